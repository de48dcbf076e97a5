package io.tandem;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One owner per table (docs/architecture.md): which classes of {@code src/main/java} write each
 * table, read from their SQL (comments left out), and which functions of the migrations do, each
 * counted as a write of the class that owns it. A new writer of a table fails this test; so does a
 * table that gained its single owner while still listed as shared below, so the list only ever
 * shrinks; so does a migration's function that writes and has no owner named here.
 */
class TableOwnershipTest {
  private static final Pattern WRITE = Pattern.compile("\\b(?:INSERT INTO|UPDATE|DELETE FROM)\\s+([a-z_]+)\\b");
  /** A function or procedure of a migration: its name (schema left out) and its body between the dollar quotes. */
  private static final Pattern FUNCTION = Pattern.compile(
      "CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:FUNCTION|PROCEDURE)\\s+(?:[a-z_][a-z0-9_]*\\.)?([a-z_][a-z0-9_]*)\\s*\\(.*?\\$\\$(.*?)\\$\\$",
      Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  /** Every function or procedure a migration creates, matched or not by {@link #FUNCTION}: the two counts must agree. */
  private static final Pattern CREATES = Pattern.compile("CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:FUNCTION|PROCEDURE)\\b", Pattern.CASE_INSENSITIVE);
  /** A write in a migration's function body, any case, the schema left out. */
  private static final Pattern SQL_WRITE = Pattern.compile(
      "\\b(?:INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+(?:[a-z_][a-z0-9_]*\\.)?([a-z_][a-z0-9_]*)\\b", Pattern.CASE_INSENSITIVE);

  /**
   * Who owns each function of the migrations that writes a table: the class that alone calls it
   * from Java (checked below), or, for {@code webhook_record}, which the outbox's triggers call
   * inside every change of the rows they watch, the class that owns the outbox; for the trigger
   * that removes a deleted session's messages, the class that owns the messages.
   */
  private static final Map<String, String> FUNCTION_OWNERS = Map.of(
      "make_offers", "OfferRepository",
      "store_requests_and_make_offers", "OfferRepository",
      "webhook_record", "WebhookStore",
      "messages_of_deleted_session", "MessageStore");

  /**
   * Tables written from more than one class, and by whom. A request and its offers are one store
   * in two halves of one package (each transition locks the request before its offers, and most
   * change both tables in one statement). The load-test {@code Seeder} bulk-writes accounts,
   * profiles and wallets for Gatling.
   */
  private static final Map<String, Set<String>> SHARED = Map.of(
      "requests", Set.of("RequestRepository", "OfferRepository"),
      "offers", Set.of("RequestRepository", "OfferRepository"),
      "accounts", Set.of("AccountRepository", "Seeder"),
      "expert_profiles", Set.of("ExpertProfileRepository", "Seeder"),
      "ledger_entries", Set.of("Ledger", "Seeder"));

  /** Each table and the classes that write it (simple names): Java's SQL and the migrations' functions, comments left out. */
  static Map<String, Set<String>> writers() {
    Map<String, Set<String>> writers = new TreeMap<>();
    for (Path file : files(Path.of("src", "main", "java"), ".java")) {
      String owner = file.getFileName().toString().replace(".java", "");
      Matcher m = WRITE.matcher(withoutComments(read(file)));
      while (m.find()) {
        writers.computeIfAbsent(m.group(1), t -> new TreeSet<>()).add(owner);
      }
    }
    for (Path migration : files(Path.of("src", "main", "resources", "db", "migration"), ".sql")) {
      String sql = read(migration).replaceAll("--[^\\n]*", "");
      Matcher function = FUNCTION.matcher(sql);
      int functions = 0;
      while (function.find()) {
        functions++;
        String name = function.group(1).toLowerCase(Locale.ROOT);
        Matcher m = SQL_WRITE.matcher(function.group(2));
        while (m.find()) {
          String owner = FUNCTION_OWNERS.get(name);
          assertThat(owner).as("the owner of %s (%s), which writes %s", name, migration.getFileName(), m.group(1)).isNotNull();
          writers.computeIfAbsent(m.group(1).toLowerCase(Locale.ROOT), t -> new TreeSet<>()).add(owner);
        }
      }
      assertThat(functions).as("functions of %s read (each CREATE FUNCTION or PROCEDURE)", migration.getFileName())
          .isEqualTo((int) CREATES.matcher(sql).results().count());
    }
    return writers;
  }

  @Test
  @DisplayName("a migration's function that writes is called from Java by its owner alone")
  void functionsCalledByTheirOwnerOnly() {
    for (Path file : files(Path.of("src", "main", "java"), ".java")) {
      String owner = file.getFileName().toString().replace(".java", "");
      String code = withoutComments(read(file));
      FUNCTION_OWNERS.forEach((function, expected) -> {
        if (Pattern.compile("\\b" + function + "\\s*\\(").matcher(code).find()) {
          assertThat(owner).as("a caller of %s", function).isEqualTo(expected);
        }
      });
    }
  }

  private static List<Path> files(Path root, String suffix) {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(f -> f.toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Java source without its comments; string literals and text blocks are kept whole. */
  static String withoutComments(String java) {
    StringBuilder code = new StringBuilder(java.length());
    int i = 0;
    while (i < java.length()) {
      if (java.startsWith("//", i)) {
        i = java.indexOf('\n', i) < 0 ? java.length() : java.indexOf('\n', i);
      } else if (java.startsWith("/*", i)) {
        int end = java.indexOf("*/", i + 2);
        i = end < 0 ? java.length() : end + 2;
      } else if (java.startsWith("\"\"\"", i)) {
        int end = java.indexOf("\"\"\"", i + 3);
        int stop = end < 0 ? java.length() : end + 3;
        code.append(java, i, stop);
        i = stop;
      } else if (java.charAt(i) == '"' || java.charAt(i) == '\'') {
        char quote = java.charAt(i);
        int j = i + 1;
        while (j < java.length() && java.charAt(j) != quote) {
          j += java.charAt(j) == '\\' ? 2 : 1;
        }
        int stop = Math.min(j + 1, java.length());
        code.append(java, i, stop);
        i = stop;
      } else {
        code.append(java.charAt(i++));
      }
    }
    return code.toString();
  }

  @Test
  @DisplayName("comments are no writes: a table named in a comment is not counted, one in a string is")
  void commentsLeftOut() {
    String source = "// UPDATE sessions in a comment\n/* DELETE FROM messages */ String sql = \"UPDATE offers SET x = 1 // not a comment\";";
    Matcher m = WRITE.matcher(withoutComments(source));
    Set<String> tables = new TreeSet<>();
    while (m.find()) {
      tables.add(m.group(1));
    }
    assertThat(tables).containsExactly("offers");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  @DisplayName("every table has one writing class, but for the shared ones listed, which have exactly the writers listed")
  void oneWriterPerTable() {
    Map<String, Set<String>> writers = writers();
    assertThat(writers).as("tables written").containsKeys("penalties", "expert_presence", "messages", "connections", "webhook_events");
    writers.forEach((table, classes) -> {
      if (SHARED.containsKey(table)) {
        assertThat(classes).as("the writers of shared table %s", table).isEqualTo(SHARED.get(table));
      } else {
        assertThat(classes).as("the writers of %s", table).hasSize(1);
      }
    });
  }
}
