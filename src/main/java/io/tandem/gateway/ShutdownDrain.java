package io.tandem.gateway;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A connection's way out when the server shuts down: it goes away once no frame is under way and
 * nothing has been heard for {@code ws.shutdownQuietMs}. Frames the client sent just before the
 * shutdown may still sit in the socket's buffers, unread; read meanwhile, each is answered
 * {@code unavailable} (resend it elsewhere) instead of being lost behind the close frame, after
 * which nothing can be answered. Only data frames count, and no pings go out while draining. A
 * client that keeps sending is cut anyway ten quiet periods after the drain began (its frames
 * still answered, as any under way); the HTTP server's shutdown grace bounds the whole wait.
 * Not thread-safe: its connection's event loop only.
 */
final class ShutdownDrain {
  private final Vertx vertx;
  private final Duration quiet;
  private final BooleanSupplier busy;
  private final Runnable goAway;
  private boolean draining;
  /** A check is scheduled. */
  private boolean checkPending;
  /** When the last data frame arrived (pings and pongs do not count). */
  private long lastDataNanos = System.nanoTime();
  private long startedNanos;

  /** {@code busy}: whether frames are under way (or the connection is closing anyway); {@code goAway}: closes it. */
  ShutdownDrain(Vertx vertx, Duration quiet, BooleanSupplier busy, Runnable goAway) {
    this.vertx = vertx;
    this.quiet = quiet;
    this.busy = busy;
    this.goAway = goAway;
  }

  boolean draining() {
    return draining;
  }

  /** A data frame arrived: the quiet starts again. */
  void heard(long nowNanos) {
    lastDataNanos = nowNanos;
  }

  /** The server is shutting down; false if it already was. */
  boolean begin() {
    if (draining) {
      return false;
    }
    draining = true;
    startedNanos = System.nanoTime();
    check();
    return true;
  }

  /** Goes away now if it is time, or checks again when it may be; a frame answered while draining asks again. */
  void check() {
    if (!draining || busy.getAsBoolean() || checkPending) {
      return;
    }
    long now = System.nanoTime();
    long quietNanos = quiet.toNanos();
    long leftNanos = Math.min(quietNanos - (now - lastDataNanos), 10 * quietNanos - (now - startedNanos));
    if (leftNanos <= 0) {
      goAway.run();
      return;
    }
    checkPending = true;
    vertx.setTimer(TimeUnit.NANOSECONDS.toMillis(leftNanos) + 1, t -> {
      checkPending = false;
      check();
    });
  }
}
