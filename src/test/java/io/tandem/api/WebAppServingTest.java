package io.tandem.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.RunningNode;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The web app is served by the node itself, beside an unchanged API. */
class WebAppServingTest {
  private static RunningNode node;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.defaults());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  @DisplayName("GET / is the app's page, with a Content-Security-Policy and revalidated caching")
  void appAtRoot() {
    Response page = node.http().get("/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.text()).contains("<html");
    assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'").contains("frame-ancestors 'none'");
    assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
    assertThat(page.header("ETag") != null || page.header("Last-Modified") != null).as("a validator for 304s").isTrue();
  }

  @Test
  @DisplayName("the API, health and unknown paths answer as before: JSON, never the app's page")
  void apiUnchanged() {
    assertThat(node.http().get("/health").json().getString("status")).isEqualTo("up");
    Response unknownApi = node.http().get("/api/v1/nothing-here");
    assertThat(unknownApi.status()).isEqualTo(404);
    assertThat(unknownApi.errorCode()).isEqualTo("not_found");
    Response unknownFile = node.http().get("/no-such-file.js");
    assertThat(unknownFile.status()).isEqualTo(404);
    assertThat(unknownFile.errorCode()).isEqualTo("not_found");
    assertThat(node.http().get("/../conf/tandem.json").status()).isIn(400, 404);
  }
}
