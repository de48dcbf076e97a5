package io.tandem.db;

import io.tandem.config.TandemConfig.EmbeddedDbConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL, unpacked from Maven Central's zonky binaries and run as a child process, for
 * the default run when {@code db.url} is empty. Its files stay in {@code db.embedded.dataDir}, so a
 * restart keeps accounts. Only one process may use a data directory at a time: a second node on the
 * same machine points its {@code db.url} at {@link #url()} instead (docs/operations.md).
 *
 * <p>PostgreSQL refuses to run as root; zonky runs it under {@code unshare -U} where that exists,
 * which is how this also works in root containers.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final EmbeddedPostgres postgres;
  private final Path dataDir;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir) {
    this.postgres = postgres;
    this.dataDir = dataDir;
  }

  /** Starts (and on first use initialises) the database; blocks for a few seconds. */
  public static EmbeddedDatabase start(EmbeddedDbConfig config) {
    Path dataDir = config.dataDir().toAbsolutePath();
    boolean fresh = !Files.exists(dataDir.resolve("postgresql.conf"));
    log.info("{} embedded PostgreSQL in {} on port {}", fresh ? "initialising" : "starting", dataDir, config.port());
    try {
      Files.createDirectories(dataDir);
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setPort(config.port())
          .setRegisterShutdownHook(false)
          .setServerConfig("listen_addresses", "localhost")
          .setServerConfig("max_connections", "200")
          .start();
      EmbeddedDatabase database = new EmbeddedDatabase(postgres, dataDir);
      log.info("embedded PostgreSQL ready at {}", database.url());
      return database;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(explain(e, dataDir, config.port()), e);
    }
  }

  private static String explain(Exception e, Path dataDir, int port) {
    String cause = e.getMessage() != null ? e.getMessage() : e.toString();
    // Another process holding the folder's lock file makes zonky report "could not lock";
    // this same process holding it shows up as an OverlappingFileLockException.
    if (cause.contains("could not lock") || e instanceof OverlappingFileLockException) {
      return "the embedded PostgreSQL data directory " + dataDir + " is in use by another process;"
          + " a second node on this machine must set db.url to the first node's database";
    }
    return "the embedded PostgreSQL did not start (data directory " + dataDir + ", port " + port
        + "; is the port free? set db.embedded.port): " + cause;
  }

  /** A {@code postgresql://} URL for {@code db.url} of other nodes on this machine. */
  public String url() {
    return "postgresql://postgres@localhost:" + postgres.getPort() + "/postgres";
  }

  @Override
  public void close() {
    try {
      postgres.close();
      log.info("embedded PostgreSQL in {} stopped", dataDir);
    } catch (IOException e) {
      log.warn("embedded PostgreSQL in {} did not stop cleanly: {}", dataDir, e.getMessage());
    }
  }
}
