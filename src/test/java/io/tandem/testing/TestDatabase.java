package io.tandem.testing;

import io.tandem.db.Database;
import io.tandem.db.EmbeddedDatabase;
import io.tandem.db.EmbeddedDbConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One real embedded PostgreSQL per test JVM, started on first use and stopped at exit. Tests stay
 * independent by creating their own users and ids, not by restarting the database.
 */
public final class TestDatabase {
  private static EmbeddedDatabase database;

  private TestDatabase() {}

  public static synchronized String url() {
    if (database == null) {
      try {
        Path dir = Files.createTempDirectory("tandem-test-pg");
        database = EmbeddedDatabase.start(EmbeddedDbConfig.at(dir.resolve("data"), 0));
        Database.at(database.url(), java.time.Duration.ofSeconds(30)).migrate();
        EmbeddedDatabase started = database;
        // Stopped first, then deleted: the folder is in use until PostgreSQL has stopped.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          started.close();
          Scratch.delete(dir);
        }, "test-database-stop"));
      } catch (IOException e) {
        throw new IllegalStateException("cannot create a directory for the test database", e);
      }
    }
    return database.url();
  }
}
