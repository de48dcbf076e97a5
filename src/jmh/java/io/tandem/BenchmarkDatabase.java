package io.tandem;

import io.tandem.db.Database;
import io.tandem.db.EmbeddedDatabase;
import io.tandem.db.EmbeddedDbConfig;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;

/**
 * A durable embedded PostgreSQL for a benchmark, started as the server starts it (fsync,
 * synchronous_commit and full_page_writes on) in a temporary folder, migrated, with a Vert.x to
 * reach it; {@link #close} stops it and deletes the folder.
 */
public final class BenchmarkDatabase implements AutoCloseable {
  private final Path dataDir;
  private final EmbeddedDatabase database;
  private final Database db;
  private final Vertx vertx = Vertx.vertx();

  public BenchmarkDatabase() throws Exception {
    dataDir = Files.createTempDirectory("tandem-bench-pg");
    database = EmbeddedDatabase.start(EmbeddedDbConfig.at(dataDir, 0));
    db = Database.at(database.url(), Duration.ofSeconds(30));
    db.migrate();
  }

  /** A JDBC connection, for seeding. */
  public Connection jdbc() throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://localhost:" + database.url().replaceAll(".*:(\\d+)/.*", "$1") + "/postgres",
        "postgres", null);
  }

  /** A pool as the server makes them. */
  public Pool pool(String name, int size) {
    return db.pool(vertx, name, size);
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
    database.close();
    try (var files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
