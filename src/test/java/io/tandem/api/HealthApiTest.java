package io.tandem.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.RunningNode;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HealthApiTest {
  @Test
  @DisplayName("health, readiness and Prometheus metrics answer without a token")
  void healthReadyMetrics() {
    try (RunningNode node = RunningNode.start(TestConfig.defaults())) {
      assertThat(node.http().get("/health").json().getString("status")).isEqualTo("up");
      Response ready = node.http().get("/ready");
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.json().getString("status")).isEqualTo("ready");

      node.http().get("/health");
      node.http().get("/api/v1/topics");
      Response metrics = node.http().get("/metrics");
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.text()).contains("# TYPE").contains("vertx_http_server_requests_total").contains("jvm_memory_used_bytes")
          .as("HTTP series by route template").contains("route=\"/api/v1/topics\"")
          .as("HTTP answer times as a histogram").contains("vertx_http_server_response_time_seconds_bucket{")
          .contains("tandem_websocket_connections").contains("tandem_chat_messages_stored_total")
          .contains("tandem_chat_batch_messages").contains("tandem_chat_batch_commit_seconds");
    }
  }

  @Test
  @DisplayName("API answers carry the server's clock in Date, for clients to correct countdowns by")
  void dateHeader() {
    try (RunningNode node = RunningNode.start(TestConfig.defaults())) {
      String date = node.http().get("/api/v1/topics").header("Date");
      java.time.Instant said = java.time.ZonedDateTime.parse(date, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      assertThat(java.time.Duration.between(said, java.time.Instant.now()).abs()).isLessThan(java.time.Duration.ofSeconds(5));
      assertThat(node.http().get("/api/v1/me").header("Date")).as("errors too").isNotNull();
    }
  }

  @Test
  @DisplayName("readiness turns 503 unavailable when the database pool is gone")
  void notReadyWithoutDatabase() {
    try (RunningNode node = RunningNode.start(TestConfig.defaults())) {
      RunningNode.await(node.node().pool().close(), java.time.Duration.ofSeconds(5));
      Response ready = node.http().get("/ready");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.errorCode()).isEqualTo("unavailable");
      assertThat(ready.errorMessage()).contains("database");
    }
  }
}
