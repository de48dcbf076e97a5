package io.tandem.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** When a shard's batches start, on a clock given by hand (nanoseconds). */
class BatchPacingTest {
  private static final long MS = 1_000_000;
  private final BatchPacing pacing = new BatchPacing(Duration.ofMillis(20), 1_000 * MS);

  @Test
  @DisplayName("the first change, and the first after a quiet window, is assigned at once: a lone request pays no window")
  void quietMeansNow() {
    assertThat(pacing.delay(1_000 * MS)).isZero();
    pacing.started(1_000 * MS);
    assertThat(pacing.delay(1_020 * MS)).isZero();
    assertThat(pacing.delay(1_500 * MS)).isZero();
  }

  @Test
  @DisplayName("changes on the heels of a batch wait for the rest of its window, so a burst is assigned together")
  void onTheHeelsWaitsTheRest() {
    pacing.started(1_000 * MS);
    assertThat(pacing.delay(1_001 * MS)).isEqualTo(Duration.ofMillis(19));
    assertThat(pacing.delay(1_015 * MS)).isEqualTo(Duration.ofMillis(5));
  }

  @Test
  @DisplayName("while offer writes fail, each batch waits twice as long as the last, up to five seconds; a success ends it")
  void failuresBackOff() {
    pacing.started(1_000 * MS);
    pacing.written(false);
    assertThat(pacing.delay(2_000 * MS)).isEqualTo(Duration.ofMillis(40));
    pacing.written(false);
    assertThat(pacing.delay(2_000 * MS)).isEqualTo(Duration.ofMillis(80));
    for (int i = 0; i < 20; i++) {
      pacing.written(false);
    }
    assertThat(pacing.delay(2_000 * MS)).isEqualTo(BatchPacing.MAX_BACKOFF);
    pacing.written(true);
    assertThat(pacing.delay(2_000 * MS)).isZero();
  }
}
