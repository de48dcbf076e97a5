package io.tandem.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {
  @TempDir Path dir;

  private static String jdbc(EmbeddedDatabase database) {
    return database.url().replace("postgresql://postgres@", "jdbc:postgresql://");
  }

  @Test
  @DisplayName("the embedded PostgreSQL keeps its data across a restart, and refuses a second process on the same folder")
  void keepsDataAcrossRestarts() throws Exception {
    EmbeddedDbConfig config = EmbeddedDbConfig.at(dir.resolve("pg"), 0);
    try (EmbeddedDatabase first = EmbeddedDatabase.start(config)) {
      Database.at(first.url(), java.time.Duration.ofSeconds(30)).migrate();
      try (Connection c = DriverManager.getConnection(jdbc(first), "postgres", "");
           Statement s = c.createStatement()) {
        s.execute("INSERT INTO accounts (username, password_hash, role, display_name) VALUES ('kept', 'x', 'client', 'Kept')");
      }
      assertThatThrownBy(() -> EmbeddedDatabase.start(config))
          .hasMessageContaining("in use by another process")
          .hasMessageContaining("db.url");
    }
    try (EmbeddedDatabase again = EmbeddedDatabase.start(config);
         Connection c = DriverManager.getConnection(jdbc(again), "postgres", "");
         Statement s = c.createStatement();
         ResultSet rows = s.executeQuery("SELECT display_name FROM accounts WHERE username = 'kept'")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString(1)).isEqualTo("Kept");
    }
  }

  @Test
  @DisplayName("a port another PostgreSQL already answers on is refused with what to do, not taken for ours")
  void portOfAnotherPostgres() throws Exception {
    try (EmbeddedDatabase first = EmbeddedDatabase.start(EmbeddedDbConfig.at(dir.resolve("first"), 0))) {
      int taken = Integer.parseInt(first.url().replaceAll(".*:(\\d+)/.*", "$1"));
      assertThatThrownBy(() -> EmbeddedDatabase.start(EmbeddedDbConfig.at(dir.resolve("second"), taken)))
          .hasMessageContaining("port " + taken + " is taken by another PostgreSQL")
          .hasMessageContaining(dir.resolve("first").getFileName().toString())
          .hasMessageContaining("db.embedded.port");
      assertThat(first.postmaster()).as("the other one is left running").isPresent();
    }
  }
}
