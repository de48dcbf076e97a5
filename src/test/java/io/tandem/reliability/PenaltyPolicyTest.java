package io.tandem.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PenaltyPolicyTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private final PenaltyConfig config = new PenaltyConfig(1, 3, 5, 0, 1, 0, 3, Duration.ofDays(30), 10, Duration.ofHours(24), true);
  private final PenaltyPolicy policy = new PenaltyPolicy(config);

  private static PenaltyPolicy.Past past(int points, boolean waived, Duration ago) {
    return new PenaltyPolicy.Past(points, waived, NOW.minus(ago));
  }

  @Test
  @DisplayName("the first offence in 30 days is recorded but waived; an older one does not count")
  void firstOffenceWaived() {
    PenaltyPolicy.Decision first = policy.decide(PenaltyKind.NO_SHOW, true, List.of(), NOW);
    assertThat(first.waived()).isTrue();
    assertThat(first.points()).isEqualTo(5);
    assertThat(policy.decide(PenaltyKind.LATE, true, List.of(past(5, false, Duration.ofDays(31))), NOW).waived()).isTrue();
    PenaltyPolicy.Decision second = policy.decide(PenaltyKind.LATE, true, List.of(past(5, true, Duration.ofDays(2))), NOW);
    assertThat(second.waived()).isFalse();
    assertThat(second.points()).isEqualTo(1);
  }

  @Test
  @DisplayName("points per kind follow the policy: expert no-show 5, client no-show 0, offer timeout 1, late 1")
  void points() {
    assertThat(policy.points(PenaltyKind.NO_SHOW, true)).isEqualTo(5);
    assertThat(policy.points(PenaltyKind.NO_SHOW, false)).isZero();
    assertThat(policy.points(PenaltyKind.OFFER_TIMEOUT, true)).isEqualTo(1);
    assertThat(policy.points(PenaltyKind.LATE, false)).isEqualTo(1);
  }

  @Test
  @DisplayName("reaching suspendAtPoints of unwaived points in the window suspends for suspendHours")
  void suspension() {
    List<PenaltyPolicy.Past> record = List.of(past(5, true, Duration.ofDays(10)), past(5, false, Duration.ofDays(5)));
    assertThat(policy.decide(PenaltyKind.LATE, true, record, NOW).suspendUntil()).isEmpty();
    PenaltyPolicy.Decision suspending = policy.decide(PenaltyKind.NO_SHOW, true, record, NOW);
    assertThat(suspending.suspendUntil()).contains(NOW.plus(Duration.ofHours(24)));
  }

  @Test
  @DisplayName("reliability is 1 with a clean record and falls with unwaived points in the window")
  void reliability() {
    assertThat(policy.reliability(List.of(), NOW)).isEqualTo(1.0);
    assertThat(policy.reliability(List.of(past(5, true, Duration.ofDays(1))), NOW)).isEqualTo(1.0);
    assertThat(policy.reliability(List.of(past(5, true, Duration.ofDays(3)), past(5, false, Duration.ofDays(1))), NOW)).isEqualTo(0.5);
    assertThat(policy.reliability(List.of(past(20, false, Duration.ofDays(1))), NOW)).isZero();
    assertThat(policy.reliability(List.of(past(5, false, Duration.ofDays(40))), NOW)).isEqualTo(1.0);
  }

  @Test
  @DisplayName("the Bayesian rating starts at the prior and moves towards the mean as ratings come in")
  void bayesian() {
    BayesianRating rating = new BayesianRating(new RatingConfig(4.0, 5, 3, 0.9, 10));
    assertThat(rating.of(0, 0)).isEqualTo(4.0);
    assertThat(rating.of(1, 1)).isCloseTo(3.5, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(rating.of(95, 95 * 5)).isCloseTo(4.95, org.assertj.core.data.Offset.offset(1e-9));
  }
}
