package io.tandem.matching;

import io.tandem.kernel.Topic;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class EtaEstimatorTest {
  private final Topic tax = new Topic("tax");

  @Test
  @DisplayName("without history the default is used, per round of free experts ahead")
  void defaults() {
    EtaEstimator eta = new EtaEstimator(Duration.ofSeconds(60));
    assertThat(eta.estimateSeconds(tax, 1, 3)).isEqualTo(60);
    assertThat(eta.estimateSeconds(tax, 4, 3)).isEqualTo(120);
    assertThat(eta.estimateSeconds(tax, 2, 0)).isEqualTo(120);
  }

  @Test
  @DisplayName("recent matches pull the estimate towards what they took")
  void learns() {
    EtaEstimator eta = new EtaEstimator(Duration.ofSeconds(60));
    for (int i = 0; i < 30; i++) {
      eta.recordMatch(tax, Duration.ofSeconds(10));
    }
    assertThat(eta.estimateSeconds(tax, 1, 1)).isEqualTo(10);
  }

  @Test
  @DisplayName("replayed matches: a quiet spell then a rush; the estimate follows within about ten matches, per topic")
  void replay() {
    EtaEstimator eta = new EtaEstimator(Duration.ofSeconds(60));
    Topic legal = new Topic("legal");
    long[] quiet = new long[20];
    java.util.Arrays.fill(quiet, 30);
    long[] rush = new long[10];
    java.util.Arrays.fill(rush, 90);
    for (long seconds : quiet) {
      eta.recordMatch(tax, Duration.ofSeconds(seconds));
    }
    assertThat(eta.estimateSeconds(tax, 1, 1)).as("after the quiet spell").isEqualTo(30);
    for (long seconds : rush) {
      eta.recordMatch(tax, Duration.ofSeconds(seconds));
    }
    assertThat(eta.estimateSeconds(tax, 1, 1)).as("ten matches into the rush: most of the way to 90 s").isEqualTo(84);
    assertThat(eta.estimateSeconds(tax, 3, 2)).as("third in line, two experts: two rounds").isEqualTo(167);
    assertThat(eta.estimateSeconds(legal, 1, 1)).as("another topic keeps its own history").isEqualTo(60);
  }
}
