package io.tandem.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL, unpacked from Maven Central's zonky binaries and run as a child process, for
 * the default run when {@code db.url} is empty. Its files stay in {@code db.embedded.dataDir}, so a
 * restart keeps accounts. Only one process may use a data directory at a time: a second node on the
 * same machine points its {@code db.url} at {@link #url()} instead (docs/operations.md).
 *
 * <p>Durable: zonky starts the postmaster with {@code -F} ({@code fsync=off}) and
 * {@code synchronous_commit=off}, fit for throw-away test databases only. The {@code -c} settings
 * here come after {@code -F} on the command line, and PostgreSQL lets the later setting win, so the
 * server runs with {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} on;
 * {@link Database#checkDurable} verifies that from inside at every start.
 *
 * <p>Supervised: if the postmaster dies (killed, crashed) while this object is open, it is started
 * again on the same folder and port, retrying until it comes up; pools reconnect by themselves.
 *
 * <p>PostgreSQL refuses to run as root; zonky runs it under {@code unshare -U} where that exists,
 * which is how this also works in root containers.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
  /** How often the supervisor looks for the postmaster, and the first wait between restart attempts. */
  private static final Duration WATCH_INTERVAL = Duration.ofMillis(500);
  /** The longest wait between restart attempts (each failed one doubles it from WATCH_INTERVAL). */
  private static final Duration RESTART_BACKOFF_MAX = Duration.ofSeconds(2);
  /**
   * How long a restart waits for PostgreSQL to answer. The first start waits a minute (initdb, a
   * cold machine); a restart that cannot succeed (its disk is still full) must not hold the
   * supervisor that long, or the outage outlives its cause by a minute. A postmaster still
   * replaying its WAL when this passes goes on starting, and the next look finds it running.
   */
  private static final Duration RESTART_STARTUP_WAIT = Duration.ofSeconds(5);
  /** zonky's lock file in the data directory, held while its PostgreSQL runs. */
  private static final String LOCK_FILE = "epg-lock";

  private final EmbeddedDbConfig config;
  private final Path dataDir;
  private final ScheduledExecutorService supervisor;
  private volatile EmbeddedPostgres postgres;
  private volatile boolean closed;
  private volatile long downSinceNanos = -1;
  /** Failed restart attempts in a row, for the backoff; only the supervisor thread touches it. */
  private int failedRestarts;
  private long nextAttemptNanos;

  private EmbeddedDatabase(EmbeddedDbConfig config, Path dataDir, EmbeddedPostgres postgres) {
    this.config = config;
    this.dataDir = dataDir;
    this.postgres = postgres;
    this.supervisor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "embedded-postgres-supervisor");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts (and on first use initialises) the database; blocks for a few seconds. */
  public static EmbeddedDatabase start(EmbeddedDbConfig config) {
    Path dataDir = config.dataDir().toAbsolutePath();
    boolean fresh = !Files.exists(dataDir.resolve("postgresql.conf"));
    log.info("{} embedded PostgreSQL in {} on port {}", fresh ? "initialising" : "starting", dataDir, config.port());
    EmbeddedDatabase database = new EmbeddedDatabase(config, dataDir, launch(config, dataDir, config.port(), Duration.ofSeconds(60)));
    log.info("embedded PostgreSQL ready at {}", database.url());
    database.supervisor.scheduleWithFixedDelay(database::watch, WATCH_INTERVAL.toMillis(), WATCH_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
    return database;
  }

  private static EmbeddedPostgres launch(EmbeddedDbConfig config, Path dataDir, int port, Duration startupWait) {
    EmbeddedPostgres started;
    try {
      Files.createDirectories(dataDir);
      started = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setRegisterShutdownHook(false)
          .setPGStartupWait(startupWait)
          .setServerConfig("listen_addresses", "localhost")
          .setServerConfig("max_connections", "200")
          // An acknowledgement is durable: every commit is flushed before it returns.
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on")
          .setServerConfig("shared_buffers", config.sharedBuffers())
          .setServerConfig("max_wal_size", config.maxWalSize())
          .setServerConfig("checkpoint_timeout", config.checkpointTimeout())
          .setServerConfig("checkpoint_completion_target", "0.9")
          .start();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(explain(e, dataDir, port), e);
    }
    return owned(started, dataDir);
  }

  /**
   * zonky calls the start a success once something answers on the port. Another PostgreSQL already
   * listening there (a second Tandem on the same machine, a system PostgreSQL on the configured
   * port) answers while ours exits, unable to bind: the node then ran on a stranger's database, and
   * the supervisor, finding no postmaster in its folder, "restarted" it twice a second. So the
   * server that answers must say it serves this folder.
   */
  private static EmbeddedPostgres owned(EmbeddedPostgres started, Path dataDir) {
    String served;
    try (Connection connection = started.getPostgresDatabase().getConnection();
         Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SHOW data_directory")) {
      rows.next();
      served = rows.getString(1);
    } catch (SQLException e) {
      served = null;
      log.debug("asking the embedded PostgreSQL for its data directory: {}", e.toString());
    }
    if (served != null && sameFolder(Path.of(served), dataDir)) {
      return started;
    }
    try {
      started.close(); // ours, if it is still starting; pg_ctl stops nothing in another folder
    } catch (IOException | RuntimeException e) {
      log.debug("closing the embedded PostgreSQL that lost its port: {}", e.toString());
    }
    String what = served == null
        ? "could not confirm that the PostgreSQL answering on port " + started.getPort() + " is the embedded one of " + dataDir
            + " (SHOW data_directory failed); if another server holds that port,"
        : "port " + started.getPort() + " is taken by another PostgreSQL (serving " + served + "), not the embedded one of " + dataDir + ";";
    throw new IllegalStateException(what + " stop it, or set db.embedded.port (TANDEM_DB_EMBEDDED_PORT) to a free port,"
        + " or db.url to use that database");
  }

  private static boolean sameFolder(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException notHere) {
      return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
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

  /** The running postmaster, from its pid file; empty while it is down. */
  public Optional<ProcessHandle> postmaster() {
    try {
      String pid = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.US_ASCII).get(0).trim();
      return ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Runs on the supervisor thread only: notices a dead postmaster and starts it again, and keeps
   * trying, backing off to {@link #RESTART_BACKOFF_MAX}, for as long as it takes (a full disk ends
   * when an operator frees space). Said once when it goes down, once when it is back; attempts in
   * between at DEBUG, with the reason, so a long outage does not fill the log.
   */
  private void watch() {
    if (closed || postmaster().isPresent() || System.nanoTime() < nextAttemptNanos) {
      return;
    }
    if (downSinceNanos < 0) {
      downSinceNanos = System.nanoTime();
      log.warn("embedded PostgreSQL in {} is not running (killed or crashed); restarting it", dataDir);
    }
    try {
      postgres.close(); // releases the folder's lock; stopping what is already gone fails, quietly
    } catch (IOException | RuntimeException e) {
      log.debug("closing the dead embedded PostgreSQL: {}", e.toString());
    }
    clearStaleLock();
    try {
      postgres = launch(config, dataDir, postgres.getPort(), RESTART_STARTUP_WAIT);
      log.warn("embedded PostgreSQL restarted after {} ms down ({} failed attempts); it replayed its WAL, so every acknowledged"
          + " change is there", Duration.ofNanos(System.nanoTime() - downSinceNanos).toMillis(), failedRestarts);
      downSinceNanos = -1;
      failedRestarts = 0;
      nextAttemptNanos = 0;
    } catch (RuntimeException e) {
      long backoff = Math.min(RESTART_BACKOFF_MAX.toMillis(), WATCH_INTERVAL.toMillis() << Math.min(failedRestarts, 10));
      nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff);
      if (failedRestarts++ == 0) {
        log.warn("embedded PostgreSQL did not restart yet; retrying every {} ms or less until it does: {}",
            RESTART_BACKOFF_MAX.toMillis(), e.getMessage());
      } else {
        log.debug("embedded PostgreSQL restart attempt {} failed: {}", failedRestarts, e.getMessage());
      }
    }
  }

  /**
   * A lock left by a start that failed is not a live one. zonky locks {@value #LOCK_FILE} before
   * starting PostgreSQL and, when the start fails, never releases it: the lock stays held in this
   * JVM, and every later attempt was refused as if another process used the folder, long after the
   * cause (a full disk) was gone. With no postmaster running for the folder (no postmaster.pid, or
   * one whose process is gone) nothing can be protected by that lock: the file is replaced, and the
   * next start locks the new one. (A second node started on the same folder still finds the lock of
   * the first, whose postmaster runs.)
   */
  private void clearStaleLock() {
    if (postmaster().isPresent()) {
      return;
    }
    try {
      if (Files.deleteIfExists(dataDir.resolve(LOCK_FILE))) {
        log.debug("replaced the stale lock file {} of the embedded PostgreSQL", dataDir.resolve(LOCK_FILE));
      }
    } catch (IOException e) {
      log.debug("could not replace the lock file of the embedded PostgreSQL: {}", e.toString());
    }
  }

  @Override
  public void close() {
    closed = true;
    supervisor.shutdown();
    try {
      supervisor.awaitTermination(90, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      postgres.close();
    } catch (IOException e) {
      log.debug("stopping the embedded PostgreSQL: {}", e.toString());
    }
    // zonky swallows a failed stop (conf/logback.xml silences its logger), so look for ourselves.
    Optional<ProcessHandle> left = postmaster();
    if (left.isPresent()) {
      log.warn("embedded PostgreSQL in {} did not stop (pid {} still running)", dataDir, left.get().pid());
    } else {
      log.info("embedded PostgreSQL in {} stopped", dataDir);
    }
  }
}
