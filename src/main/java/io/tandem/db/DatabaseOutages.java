package io.tandem.db;

import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a database outage from a bug, and turns every failure that reaches a caller into what the
 * contract says: an outage is {@code unavailable} (the caller may retry; with an idempotency key or
 * a {@code clientMsgId} a retry never duplicates), anything else is {@code internal} and logged with
 * its stack, because it is a bug.
 *
 * <p>An outage is logged once: one WARN when the first call fails, then this node probes the
 * database every {@value #PROBE_INTERVAL_MS} ms until it answers (until it stores, when its disk was
 * full) and logs one INFO with its cause, how long it lasted and how many calls were answered
 * {@code unavailable} meanwhile. One that began with a call waiting past its bound, and ended at
 * the first probe, is said to be a wait, not a lost database: under a load the node cannot keep up
 * with (its chat writer's backlog, a full pool) calls time out while the database answers a probe
 * at once, and an operator told "unavailable" would look in the wrong place. Shared by every
 * verticle of a node; thread-safe.
 */
public final class DatabaseOutages {
  private static final Logger log = LoggerFactory.getLogger(DatabaseOutages.class);
  private static final long PROBE_INTERVAL_MS = 1000;

  private final Vertx vertx;
  private final Pool pool;
  private final Duration callTimeout;
  private final AtomicBoolean down = new AtomicBoolean();
  private final AtomicLong refusedCalls = new AtomicLong();
  private volatile long downSinceNanos;
  private volatile String lastReason = "";
  /** The outage began with a full disk: reads still work, so only a write ends it. */
  private volatile boolean storageFull;
  /** The outage began with a call that waited past its bound, not with the database refusing or gone. */
  private volatile boolean beganAsWait;
  /** Probes that failed in this outage. */
  private volatile int failedProbes;

  /** @param callTimeout how long a caller waits for the database before it is answered {@code unavailable} */
  public DatabaseOutages(Vertx vertx, Pool pool, Duration callTimeout) {
    this.vertx = vertx;
    this.pool = pool;
    this.callTimeout = callTimeout;
  }

  public Duration callTimeout() {
    return callTimeout;
  }

  /** {@code work} bounded by {@code db.acquireTimeoutMs + db.statementTimeoutMs}: past that it fails with a timeout. */
  public <T> Future<T> bounded(Future<T> work) {
    return work.timeout(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** True while an outage is known and the probe has not yet seen the database answer. */
  public boolean isDown() {
    return down.get();
  }

  /** Why the database was last found down, safe to show to operators. */
  public String lastReason() {
    return lastReason;
  }

  /**
   * What the caller is told about {@code failure}. {@code what} names the call in the log
   * ("frame room.send from user ...", "GET /api/v1/me").
   */
  public ApiError answer(Throwable failure, String what) {
    if (failure instanceof ApiError error) {
      return error;
    }
    if (isOutage(failure)) {
      noteOutage(failure, what);
      return storageFull
          ? ApiError.unavailable("the service's storage is full, so nothing new can be saved; the operators are told, try again later")
          : ApiError.unavailable("the service cannot reach its database right now; try again in a few seconds");
    }
    log.error("{} failed", what, failure);
    return ApiError.internal();
  }

  /** For background work (sweeps, leases): true if the failure is part of an outage, which is then logged once. */
  public boolean absorb(Throwable failure, String what) {
    if (!isOutage(failure)) {
      return false;
    }
    noteOutage(failure, what);
    return true;
  }

  /** PostgreSQL's disk_full: a file could not be extended (its WAL running out of space crashes it instead). */
  private static final String DISK_FULL = "53100";

  private static boolean isDiskFull(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PgException pg && DISK_FULL.equals(pg.getSqlState())) {
        return true;
      }
    }
    return false;
  }

  /** A call that waited past its bound ({@link #bounded}) or was cancelled by {@code statement_timeout}: no refusal seen. */
  private static boolean isWait(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof TimeoutException || t instanceof PgException pg && "57014".equals(pg.getSqlState())) {
        return true;
      }
    }
    return false;
  }

  /** A failure that says the database is unreachable, restarting, overloaded or too slow, rather than a bug. */
  public static boolean isOutage(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PgException pg && pg.getSqlState() != null) {
        String state = pg.getSqlState();
        // 08: connection exceptions; 53: insufficient resources (too many connections, disk full);
        // 57P01-57P03: shutting down, crashed, starting up; 57014: statement_timeout cancelled it.
        return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P") || "57014".equals(state);
      }
      // Features do no I/O but the database's: a reset or refused connection is the database going away.
      if (t instanceof ClosedConnectionException || t instanceof IOException || t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  private void noteOutage(Throwable failure, String what) {
    refusedCalls.incrementAndGet();
    boolean full = isDiskFull(failure);
    if (down.compareAndSet(false, true)) {
      downSinceNanos = System.nanoTime();
      storageFull = full;
      beganAsWait = isWait(failure);
      failedProbes = 0;
      lastReason = describe(failure);
      if (beganAsWait) {
        log.warn("the database did not answer in time ({}, first seen by {}): it is unreachable, or overloaded, or this node's calls"
            + " queue behind more work than it keeps up with; callers are answered 'unavailable' until it answers", lastReason, what);
      } else {
        log.warn("the database is unavailable ({}, first seen by {}); callers are answered 'unavailable' until it is back",
            lastReason, what);
      }
      vertx.setTimer(PROBE_INTERVAL_MS, t -> probe());
    } else if (full && !storageFull) {
      // Found full in the middle of an outage (it began as a slow answer, say): from now on only a write ends it.
      storageFull = true;
      lastReason = describe(failure);
      log.warn("the database's storage is full; the outage lasts until a write succeeds");
    }
  }

  /**
   * Once a second until the outage ends. A full disk still answers reads, and a {@code SELECT 1}
   * ended such an outage every second while every write failed: then the probe must write, and
   * allocate a new block as a chat message or a ledger entry would (a truncated temporary table
   * gets a new, empty file; one row needs a block of it).
   */
  private void probe() {
    String check = storageFull
        ? "CREATE TEMP TABLE IF NOT EXISTS storage_probe (b text); TRUNCATE storage_probe; INSERT INTO storage_probe VALUES ('probe')"
        : "SELECT 1";
    long probeStartNanos = System.nanoTime();
    bounded(pool.query(check).execute()).onComplete(ar -> {
      if (ar.succeeded()) {
        long refused = refusedCalls.getAndSet(0);
        String cause = lastReason;
        boolean wait = beganAsWait && failedProbes == 0;
        storageFull = false;
        down.set(false);
        if (wait) {
          log.info("the database answered its first probe in {} ms: the calls that waited past {} ms ({}) queued behind load"
              + " (this node's backlog or a slow database), the database was not gone; {} calls were answered 'unavailable'",
              Duration.ofNanos(System.nanoTime() - probeStartNanos).toMillis(), callTimeout.toMillis(), cause, refused);
        } else {
          log.info("the database answers{} again after {} ms ({}); {} calls were answered 'unavailable' meanwhile",
              cause.startsWith(STORAGE_FULL) ? " and stores" : "", Duration.ofNanos(System.nanoTime() - downSinceNanos).toMillis(),
              cause, refused);
        }
      } else {
        failedProbes++;
        if (isDiskFull(ar.cause())) {
          storageFull = true;
        }
        // The cause stays what it began with: a full disk that crashed PostgreSQL is still a full disk.
        if (!storageFull) {
          lastReason = describe(ar.cause());
        }
        vertx.setTimer(PROBE_INTERVAL_MS, t -> probe());
      }
    });
  }

  private static final String STORAGE_FULL = "storage full";

  private String describe(Throwable failure) {
    if (failure instanceof TimeoutException) {
      return "no answer within " + callTimeout.toMillis() + " ms";
    }
    if (isDiskFull(failure)) {
      return STORAGE_FULL + ": PostgreSQL could not extend a file (error " + DISK_FULL + "); free space on its volume";
    }
    if (failure instanceof PgException pg) {
      return "PostgreSQL error " + pg.getSqlState();
    }
    return failure.getClass().getSimpleName() + (failure.getMessage() != null ? ": " + failure.getMessage() : "");
  }
}
