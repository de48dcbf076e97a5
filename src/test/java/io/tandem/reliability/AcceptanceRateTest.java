package io.tandem.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AcceptanceRateTest {
  @Test
  @DisplayName("the observed rate is accepted over counted, and there is none before anything is counted")
  void observed() {
    assertThat(AcceptanceRate.observed(0, 0)).isNull();
    assertThat(AcceptanceRate.observed(3, 4)).isEqualTo(0.75);
  }

  @Test
  @DisplayName("the ranked rate starts at 1 and one early decline weighs less than the same share later on")
  void ranked() {
    assertThat(AcceptanceRate.ranked(0, 0)).isEqualTo(1.0);
    double newcomerDeclinedOnce = AcceptanceRate.ranked(0, 1);
    double veteranDeclinedOneInFour = AcceptanceRate.ranked(75, 100);
    assertThat(newcomerDeclinedOnce).isCloseTo(0.75, within(1e-9));
    assertThat(AcceptanceRate.ranked(1, 2)).as("(1 + 3) / (2 + 3)").isCloseTo(0.8, within(1e-9));
    assertThat(AcceptanceRate.ranked(0, 100)).as("a long record of declines sinks towards 0").isLessThan(0.03);
    assertThat(veteranDeclinedOneInFour).isLessThan(0.76);
  }
}
