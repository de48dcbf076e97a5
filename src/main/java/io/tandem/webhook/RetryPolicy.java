package io.tandem.webhook;

import java.time.Duration;
import java.util.Optional;

/**
 * When a failed delivery is tried again: {@code initialBackoff} after the first failure, doubling
 * with each one up to {@code maxBackoff}, until its event is {@code giveUpAfter} old. With the
 * defaults (5 s, 1 h, 24 h) a receiver that is down for an afternoon still gets every event.
 */
record RetryPolicy(Duration initialBackoff, Duration maxBackoff, Duration giveUpAfter) {
  /**
   * @param attempts the attempts made so far, this failed one included (1 or more)
   * @param age how long ago the event happened
   * @return how long to wait before the next attempt; empty: give up
   */
  Optional<Duration> after(int attempts, Duration age) {
    int doublings = Math.min(Math.max(attempts - 1, 0), 30);
    long millis = Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() << doublings);
    if (millis <= 0 || millis > maxBackoff.toMillis()) {
      millis = maxBackoff.toMillis(); // shifted past a long
    }
    Duration wait = Duration.ofMillis(millis);
    return age.plus(wait).compareTo(giveUpAfter) > 0 ? Optional.empty() : Optional.of(wait);
  }
}
