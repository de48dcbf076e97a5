package io.tandem.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.RunningNode;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MethodNotAllowedTest {
  @Test
  @DisplayName("a known path with a method it does not take answers 405 with Allow, and the contract's error body")
  void wrongMethod() {
    try (RunningNode node = RunningNode.start(TestConfig.defaults())) {
      Response topics = node.http().delete("/api/v1/topics", null);
      assertThat(topics.status()).isEqualTo(405);
      assertThat(topics.header("Allow")).isEqualTo("GET");
      assertThat(topics.errorCode()).isEqualTo("bad_request");
      assertThat(topics.errorMessage()).contains("DELETE").contains("/api/v1/topics");

      Response request = node.http().put("/api/v1/requests/5c8e0000-0000-4000-8000-000000000000", "{}", null);
      assertThat(request.status()).as("a path with a parameter").isEqualTo(405);
      assertThat(request.header("Allow")).contains("GET").doesNotContain("PUT");

      assertThat(node.http().delete("/api/v1/no-such-thing", null).status()).as("an unknown path stays 404").isEqualTo(404);
    }
  }

  @Test
  @DisplayName("route paths match request paths segment by segment, parameters matching any one segment")
  void matching() {
    assertThat(AllowedMethods.matches("/api/v1/requests/:id", "/api/v1/requests/abc")).isTrue();
    assertThat(AllowedMethods.matches("/api/v1/requests/:id", "/api/v1/requests/abc/")).isTrue();
    assertThat(AllowedMethods.matches("/api/v1/requests/:id", "/api/v1/requests/")).isFalse();
    assertThat(AllowedMethods.matches("/api/v1/requests/:id", "/api/v1/requests/abc/cancel")).isFalse();
    assertThat(AllowedMethods.matches("/api/*", "/api/v1/topics")).isTrue();
    assertThat(AllowedMethods.matches("/api/v1/topics", "/api/v1/topic")).isFalse();
  }
}
