package io.tandem.matching;

import java.time.Duration;

/**
 * When a shard's next batch may start. Batches start at most once a window
 * ({@code matching.batchWindowMs}), counted from the last start: the first change after a quiet
 * window is assigned at once, and changes that come on its heels wait for the rest of the window
 * and are assigned together. So a lone request pays no window, and a burst is still assigned as
 * a whole. While offer writes keep failing, each batch waits twice as long as the one before, up
 * to {@link #MAX_BACKOFF}.
 */
final class BatchPacing {
  /** The longest wait between batches while offer writes keep failing. */
  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final Duration window;
  /** When the last batch started, in {@link System#nanoTime()}'s terms; none yet counts as long ago. */
  private long lastStartNanos;
  /** Batches in a row whose writes failed (the database is in trouble). */
  private int failedInARow;

  BatchPacing(Duration window, long nowNanos) {
    this.window = window;
    this.lastStartNanos = nowNanos - window.toNanos();
  }

  /** How long a batch asked for at {@code nowNanos} waits; zero means now. */
  Duration delay(long nowNanos) {
    if (failedInARow > 0) {
      return Duration.ofMillis(Math.min(MAX_BACKOFF.toMillis(), window.toMillis() << Math.min(failedInARow, 16)));
    }
    Duration left = window.minusNanos(nowNanos - lastStartNanos);
    return left.isNegative() ? Duration.ZERO : left;
  }

  void started(long nowNanos) {
    lastStartNanos = nowNanos;
  }

  void written(boolean succeeded) {
    failedInARow = succeeded ? 0 : failedInARow + 1;
  }
}
