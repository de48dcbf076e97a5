package io.tandem.gateway;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One connection's keep-alive: a ping every {@code ws.pingIntervalSeconds} (unless {@code quiet}
 * says not to: a pong would only delay a closing or draining connection), and {@code onSilent}
 * once nothing, not even a pong, has been heard for {@code ws.idleTimeoutSeconds}: exactly then,
 * not at the next ping. Not thread-safe: its connection's event loop only.
 */
final class Heartbeat {
  private final Vertx vertx;
  private final Duration interval;
  private final Duration idleTimeout;
  private long pingTimer;
  private long idleTimer;
  private long lastHeardNanos = System.nanoTime();
  private boolean stopped;

  Heartbeat(Vertx vertx, Duration interval, Duration idleTimeout) {
    this.vertx = vertx;
    this.interval = interval;
    this.idleTimeout = idleTimeout;
  }

  /** {@code ping}: sends one; {@code quiet}: whether to skip it now; {@code onSilent}: runs once, when the peer fell silent. */
  void start(Runnable ping, BooleanSupplier quiet, Runnable onSilent) {
    pingTimer = vertx.setPeriodic(interval.toMillis(), t -> {
      if (!quiet.getAsBoolean()) {
        ping.run();
      }
    });
    idleTimer = vertx.setTimer(idleTimeout.toMillis(), t -> checkIdle(onSilent));
  }

  /** Something arrived from the peer, any frame. */
  void heard() {
    lastHeardNanos = System.nanoTime();
  }

  void stop() {
    stopped = true;
    vertx.cancelTimer(pingTimer);
    vertx.cancelTimer(idleTimer);
  }

  private void checkIdle(Runnable onSilent) {
    if (stopped) {
      return;
    }
    long leftNanos = idleTimeout.toNanos() - (System.nanoTime() - lastHeardNanos);
    if (leftNanos > 0) {
      idleTimer = vertx.setTimer(TimeUnit.NANOSECONDS.toMillis(leftNanos) + 1, t -> checkIdle(onSilent));
      return;
    }
    stopped = true;
    vertx.cancelTimer(pingTimer);
    onSilent.run();
  }
}
