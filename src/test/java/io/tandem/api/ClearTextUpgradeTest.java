package io.tandem.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.RunningNode;
import io.tandem.testing.TestConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Java's HttpClient asks every plain-HTTP server to upgrade to HTTP/2 (h2c). Vert.x 5.0.10, upgraded,
 * sent about one large answer in a hundred out of HTTP/2 framing ("Frame type(125) length(6038141)
 * exceeds MAX_FRAME_SIZE" on the client); the server refuses the upgrade and answers in HTTP/1.1.
 */
class ClearTextUpgradeTest {
  @Test
  @DisplayName("a client asking for h2c gets HTTP/1.1, and a 100 KB document whole, every one of 100 times")
  void upgradeRefused() throws Exception {
    String expected = ContractCoverageTest.resource(ContractRoutes.OPENAPI);
    try (RunningNode node = RunningNode.start(TestConfig.defaults())) {
      URI uri = URI.create("http://127.0.0.1:" + node.node().httpPort() + "/api/openapi.json");
      for (int i = 0; i < 100; i++) {
        // A new client each time: the upgrade is asked for on a connection's first request only.
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.version()).as("call %d", i).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(expected);
      }
    }
  }
}
