package io.tandem.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The per-connection frame limit, on a clock the test turns by hand. */
class TokenBucketTest {
  private static final long SECOND = 1_000_000_000L;

  private static int taken(TokenBucket bucket, long at, int tries) {
    int taken = 0;
    for (int i = 0; i < tries; i++) {
      if (bucket.tryTake(at)) {
        taken++;
      }
    }
    return taken;
  }

  @Test
  @DisplayName("a full bucket gives its burst at once, then nothing until time passes")
  void burstThenEmpty() {
    TokenBucket bucket = new TokenBucket(20, 40, 0);
    assertThat(taken(bucket, 0, 100)).isEqualTo(40);
    assertThat(bucket.tryTake(0)).isFalse();
  }

  @Test
  @DisplayName("tokens come back at the rate, fractions included")
  void refillsAtTheRate() {
    TokenBucket bucket = new TokenBucket(20, 40, 0);
    taken(bucket, 0, 40);
    assertThat(taken(bucket, SECOND / 2, 100)).as("half a second at 20/s").isEqualTo(10);
    assertThat(bucket.tryTake(SECOND / 2 + SECOND / 40)).as("half a token is not a token").isFalse();
    assertThat(bucket.tryTake(SECOND / 2 + SECOND / 20)).as("the other half makes one").isTrue();
  }

  @Test
  @DisplayName("a long quiet saves up no more than the burst")
  void capsAtTheBurst() {
    TokenBucket bucket = new TokenBucket(20, 40, 0);
    taken(bucket, 0, 40);
    assertThat(taken(bucket, 3600 * SECOND, 1000)).isEqualTo(40);
  }

  @Test
  @DisplayName("a sender at the rate is never refused; one at twice the rate gets the rate, plus the burst")
  void steadySenders() {
    TokenBucket steady = new TokenBucket(20, 40, 0);
    TokenBucket eager = new TokenBucket(20, 40, 0);
    int steadyTaken = 0;
    int eagerTaken = 0;
    for (int i = 1; i <= 20 * 60; i++) {
      steadyTaken += steady.tryTake(i * SECOND / 20) ? 1 : 0;
      eagerTaken += taken(eager, i * SECOND / 20, 2);
    }
    assertThat(steadyTaken).isEqualTo(20 * 60);
    // The first tick's token found the bucket full and was not kept: the rate, plus the burst, less one.
    assertThat(eagerTaken).isEqualTo(20 * 60 + 40 - 1);
  }

  @Test
  @DisplayName("a clock that does not move (or reads earlier) adds nothing")
  void noTimeNoTokens() {
    TokenBucket bucket = new TokenBucket(20, 1, 10 * SECOND);
    assertThat(bucket.tryTake(10 * SECOND)).isTrue();
    assertThat(bucket.tryTake(9 * SECOND)).isFalse();
    assertThat(bucket.tryTake(9 * SECOND)).isFalse();
  }
}
