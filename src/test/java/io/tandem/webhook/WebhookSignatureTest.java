package io.tandem.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  @Test
  @DisplayName("signatures match the Standard Webhooks specification's published example, so receivers can use its libraries")
  void specificationExample() {
    assertThat(WebhookSignature.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
        "{\"test\": 2432232314}")).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  @DisplayName("the timestamp and id are signed with the body: changing any of them changes the signature")
  void timestampIsSigned() {
    String secret = "a-plain-secret-of-some-length";
    String signature = WebhookSignature.sign(secret, "id-1", 1000, "{}");
    assertThat(WebhookSignature.sign(secret, "id-1", 1001, "{}")).isNotEqualTo(signature);
    assertThat(WebhookSignature.sign(secret, "id-2", 1000, "{}")).isNotEqualTo(signature);
    assertThat(WebhookSignature.sign(secret, "id-1", 1000, "{ }")).isNotEqualTo(signature);
    assertThat(WebhookSignature.sign(secret + "x", "id-1", 1000, "{}")).isNotEqualTo(signature);
  }

  @Test
  @DisplayName("a new secret is 32 random bytes in the specification's whsec_ form")
  void newSecret() {
    String secret = WebhookSignature.newSecret();
    assertThat(secret).startsWith("whsec_");
    assertThat(java.util.Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
    assertThat(WebhookSignature.newSecret()).isNotEqualTo(secret);
  }

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
