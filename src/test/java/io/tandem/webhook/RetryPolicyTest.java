package io.tandem.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  @Test
  @DisplayName("retries back off by doubling up to the cap, and stop once the event would be too old")
  void retryPolicy() {
    RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofHours(24));
    assertThat(policy.after(1, Duration.ZERO)).contains(Duration.ofSeconds(5));
    assertThat(policy.after(2, Duration.ofSeconds(5))).contains(Duration.ofSeconds(10));
    assertThat(policy.after(5, Duration.ofMinutes(3))).contains(Duration.ofSeconds(80));
    assertThat(policy.after(11, Duration.ofHours(2))).contains(Duration.ofHours(1));
    assertThat(policy.after(500, Duration.ofHours(3))).as("no overflow however many attempts").contains(Duration.ofHours(1));
    assertThat(policy.after(30, Duration.ofHours(23).plusMinutes(30))).isEqualTo(Optional.empty());
  }
}
