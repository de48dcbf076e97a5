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
}
