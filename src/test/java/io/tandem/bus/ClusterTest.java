package io.tandem.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.kernel.UserId;
import io.tandem.testing.RunningNode;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClusterTest {
  @Test
  @DisplayName("two clustered nodes in one JVM share the event bus and both are ready")
  void twoNodesShareTheEventBus() {
    Map<String, String> clustered = Map.of("cluster.enabled", "true", "cluster.name", "test-" + UUID.randomUUID());
    try (RunningNode first = RunningNode.start(TestConfig.with(clustered));
         RunningNode second = RunningNode.start(TestConfig.with(clustered))) {
      String address = Addresses.user(new UserId(UUID.randomUUID()));
      RunningNode.await(first.node().vertx().eventBus()
          .<JsonObject>consumer(address, message -> message.reply(new JsonObject().put("answeredBy", "first")))
          .completion(), Duration.ofSeconds(10));

      JsonObject answer = RunningNode.await(
          second.node().vertx().eventBus().<JsonObject>request(address, new JsonObject().put("from", "second")),
          Duration.ofSeconds(10)).body();
      assertThat(answer.getString("answeredBy")).isEqualTo("first");

      assertThat(first.http().get("/ready").status()).isEqualTo(200);
      assertThat(second.http().get("/ready").status()).isEqualTo(200);
      assertThat(first.node().vertx().isClustered()).isTrue();
    }
  }
}
