package io.tandem.gateway;

/**
 * A token bucket: {@code ratePerSecond} tokens a second, at most {@code burst} saved up. The
 * caller passes the time, so tests need no clock. Counted in whole units (a token is
 * {@code 1e9} units, a nanosecond adds {@code ratePerSecond} of them), so a sender at exactly the
 * rate is never refused for a rounding error, however long it sends.
 */
final class TokenBucket {
  private static final long UNITS_PER_TOKEN = 1_000_000_000L;

  private final long ratePerSecond;
  private final long capacityUnits;
  private long units;
  private long lastNanos;

  TokenBucket(int ratePerSecond, int burst, long nowNanos) {
    if (ratePerSecond < 1 || burst < 1) {
      throw new IllegalArgumentException("a token bucket needs a rate and a burst of at least 1");
    }
    this.ratePerSecond = ratePerSecond;
    this.capacityUnits = burst * UNITS_PER_TOKEN;
    this.units = capacityUnits;
    this.lastNanos = nowNanos;
  }

  /** Takes one token if there is one. */
  boolean tryTake(long nowNanos) {
    // Capped before multiplying: a long quiet fills the bucket and must not overflow on the way.
    long elapsed = Math.min(Math.max(0, nowNanos - lastNanos), capacityUnits);
    lastNanos = Math.max(lastNanos, nowNanos);
    units = Math.min(capacityUnits, units + elapsed * ratePerSecond);
    if (units >= UNITS_PER_TOKEN) {
      units -= UNITS_PER_TOKEN;
      return true;
    }
    return false;
  }
}
