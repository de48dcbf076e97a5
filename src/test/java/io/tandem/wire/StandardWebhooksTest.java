package io.tandem.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StandardWebhooksTest {
  @Test
  @DisplayName("signatures match the Standard Webhooks specification's published example, so receivers can use its libraries")
  void specificationExample() {
    assertThat(StandardWebhooks.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
        "{\"test\": 2432232314}")).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  @DisplayName("the timestamp and id are signed with the body: changing any of them changes the signature")
  void timestampIsSigned() {
    String secret = "a-plain-secret-of-some-length";
    String signature = StandardWebhooks.sign(secret, "id-1", 1000, "{}");
    assertThat(StandardWebhooks.sign(secret, "id-1", 1001, "{}")).isNotEqualTo(signature);
    assertThat(StandardWebhooks.sign(secret, "id-2", 1000, "{}")).isNotEqualTo(signature);
    assertThat(StandardWebhooks.sign(secret, "id-1", 1000, "{ }")).isNotEqualTo(signature);
    assertThat(StandardWebhooks.sign(secret + "x", "id-1", 1000, "{}")).isNotEqualTo(signature);
  }

  @Test
  @DisplayName("a new secret is 32 random bytes in the specification's whsec_ form")
  void newSecret() {
    String secret = StandardWebhooks.newSecret();
    assertThat(secret).startsWith("whsec_");
    assertThat(java.util.Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
    assertThat(StandardWebhooks.newSecret()).isNotEqualTo(secret);
  }

  @Test
  @DisplayName("a received webhook is genuine only with its signature, its id and a timestamp within five minutes")
  void verify() {
    String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    String signature = StandardWebhooks.sign(secret, "evt-1", 1_000_000, "{}");
    assertThat(StandardWebhooks.verify(secret, "evt-1", "1000000", "{}", signature, 1_000_100)).isTrue();
    assertThat(StandardWebhooks.verify(secret, "evt-1", "1000000", "{}", "v1,bogus " + signature, 1_000_100)).as("one of several").isTrue();
    assertThat(StandardWebhooks.verify(secret, "evt-2", "1000000", "{}", signature, 1_000_100)).as("another id").isFalse();
    assertThat(StandardWebhooks.verify(secret, "evt-1", "1000000", "{\"a\":1}", signature, 1_000_100)).as("another body").isFalse();
    assertThat(StandardWebhooks.verify(secret + "x", "evt-1", "1000000", "{}", signature, 1_000_100)).as("another secret").isFalse();
    assertThat(StandardWebhooks.verify(secret, "evt-1", "1000000", "{}", signature, 1_000_301)).as("too old").isFalse();
    assertThat(StandardWebhooks.verify(secret, "evt-1", "soon", "{}", signature, 1_000_000)).isFalse();
    assertThat(StandardWebhooks.verify(secret, "evt-1", "1000000", "{}", null, 1_000_000)).isFalse();
  }
}
