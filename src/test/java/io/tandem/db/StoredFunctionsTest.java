package io.tandem.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Sql;
import io.tandem.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The migrations' functions, as the migrated database has them. A LANGUAGE sql function that
 * PostgreSQL cannot inline is parsed and planned again at every call, where PL/pgSQL keeps its
 * plans for the connection's life (migrations V13 and V21 measured the difference: up to eight
 * times a call), and these functions run inside every consultation's statements and triggers.
 */
class StoredFunctionsTest {
  @Test
  @DisplayName("every function the migrations define is PL/pgSQL, so its plans are made once per connection")
  void plannedOnce() {
    List<String[]> functions = Sql.rowsAt(TestDatabase.url(), "SELECT p.proname, l.lanname FROM pg_proc p"
        + " JOIN pg_language l ON l.oid = p.prolang JOIN pg_namespace n ON n.oid = p.pronamespace"
        + " WHERE n.nspname = 'public' AND l.lanname NOT IN ('c', 'internal') ORDER BY p.proname");
    assertThat(functions).as("functions in the public schema").isNotEmpty();
    assertThat(functions).allSatisfy(f -> assertThat(f[1]).as("the language of %s", f[0]).isEqualTo("plpgsql"));
  }
}
