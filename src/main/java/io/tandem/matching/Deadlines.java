package io.tandem.matching;

import io.tandem.kernel.RequestId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The two deadlines a shard watches per request: when it expires, and when its pending offer
 * times out. Each fires once, a little after its instant ({@link #SLACK_MS}, so that PostgreSQL,
 * whose clock decides, agrees it has passed), unless cancelled first. Setting one again replaces
 * it. Not thread-safe: the shard's event loop only.
 */
final class Deadlines {
  /** Fired this long after the deadline. */
  static final long SLACK_MS = 50;

  /** Timers as Vert.x gives them; tests pass their own. */
  interface Timers {
    long set(long delayMs, Runnable action);

    void cancel(long id);
  }

  private final Timers timers;
  private final Clock clock;
  private final Map<RequestId, Long> expiries = new HashMap<>();
  private final Map<RequestId, Long> offers = new HashMap<>();

  Deadlines(Timers timers, Clock clock) {
    this.timers = timers;
    this.clock = clock;
  }

  /** Runs {@code action} once the request's {@code expiresAt} has passed. */
  void expiry(RequestId request, Instant expiresAt, Runnable action) {
    set(expiries, request, expiresAt, action);
  }

  /** Runs {@code action} once the pending offer's {@code expiresAt} has passed. */
  void offer(RequestId request, Instant expiresAt, Runnable action) {
    set(offers, request, expiresAt, action);
  }

  /** The offer ended before its deadline. */
  void cancelOffer(RequestId request) {
    cancel(offers, request);
  }

  /** The request left the shard: neither deadline matters any more. */
  void cancelAll(RequestId request) {
    cancel(expiries, request);
    cancel(offers, request);
  }

  /** The shard stopped: nothing fires from now on. */
  void stop() {
    expiries.values().forEach(timers::cancel);
    offers.values().forEach(timers::cancel);
    expiries.clear();
    offers.clear();
  }

  private void set(Map<RequestId, Long> deadlines, RequestId request, Instant at, Runnable action) {
    cancel(deadlines, request);
    long delay = Math.max(1, Duration.between(clock.instant(), at).toMillis() + SLACK_MS);
    long[] id = new long[1];
    id[0] = timers.set(delay, () -> {
      // Only the timer still registered fires: one replaced or cancelled in between is stale.
      if (deadlines.remove(request, id[0])) {
        action.run();
      }
    });
    deadlines.put(request, id[0]);
  }

  private void cancel(Map<RequestId, Long> deadlines, RequestId request) {
    Long id = deadlines.remove(request);
    if (id != null) {
      timers.cancel(id);
    }
  }
}
