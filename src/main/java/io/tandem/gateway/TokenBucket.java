package io.tandem.gateway;

/**
 * A token bucket: {@code ratePerSecond} tokens a second, at most {@code burst} saved up. The
 * caller passes the time, so tests need no clock.
 */
final class TokenBucket {
  private final double ratePerNano;
  private final double burst;
  private double tokens;
  private long lastNanos;

  TokenBucket(double ratePerSecond, double burst, long nowNanos) {
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.lastNanos = nowNanos;
  }

  /** Takes one token if there is one. */
  boolean tryTake(long nowNanos) {
    long elapsed = Math.max(0, nowNanos - lastNanos);
    lastNanos = nowNanos;
    tokens = Math.min(burst, tokens + elapsed * ratePerNano);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
