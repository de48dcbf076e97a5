package io.tandem;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * table, read from their SQL. A new writer of a table fails this test; so does a table that
 * gained its single owner while still listed as shared below, so the list only ever shrinks.
 */
class TableOwnershipTest {
  private static final Pattern WRITE = Pattern.compile("\\b(?:INSERT INTO|UPDATE|DELETE FROM)\\s+([a-z_]+)\\b");

  /**
   * Tables still written from more than one class, and by whom: debts, not design (issue 12).
   * The load-test {@code Seeder} bulk-writes accounts, profiles and wallets for Gatling.
   */
  private static final Map<String, Set<String>> SHARED = Map.of(
      "accounts", Set.of("AccountRepository", "Seeder"),
      "expert_profiles", Set.of("ExpertProfileRepository", "Seeder"),
      "ledger_entries", Set.of("Ledger", "Seeder"),
      // MessageStore bumps last_seq in the very statement that stores a message: that is what keeps seqs gapless.
      "sessions", Set.of("MessageStore", "SessionRepository"));

  private static Map<String, Set<String>> writers() {
    Map<String, Set<String>> writers = new TreeMap<>();
    try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(file -> {
        String owner = file.getFileName().toString().replace(".java", "");
        Matcher m = WRITE.matcher(read(file));
        while (m.find()) {
          writers.computeIfAbsent(m.group(1), t -> new TreeSet<>()).add(owner);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return writers;
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
    assertThat(writers).as("tables written").containsKeys("penalties", "expert_presence", "messages", "connections");
    writers.forEach((table, classes) -> {
      if (SHARED.containsKey(table)) {
        assertThat(classes).as("the writers of shared table %s", table).isEqualTo(SHARED.get(table));
      } else {
        assertThat(classes).as("the writers of %s", table).hasSize(1);
      }
    });
  }
}
