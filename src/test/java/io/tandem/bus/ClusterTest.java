package io.tandem.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.kernel.UserId;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClusterTest {
  @Test
  @DisplayName("two clustered nodes in one JVM share the event bus: a user's event sent on one reaches their connection on the other, once")
  void twoNodesShareTheEventBus() {
    Map<String, String> clustered = Map.of("cluster.enabled", "true", "cluster.name", "test-" + UUID.randomUUID());
    try (RunningNode first = RunningNode.start(TestConfig.with(clustered));
         RunningNode second = RunningNode.start(TestConfig.with(clustered))) {
      UserId user = new UserId(UUID.randomUUID());
      // As a connection consumes its user's address: node-local; the second node reaches it through the first's relay.
      List<JsonObject> received = new CopyOnWriteArrayList<>();
      RunningNode.await(first.node().vertx().eventBus()
          .<JsonObject>localConsumer(Addresses.user(user), message -> received.add(message.body()))
          .completion(), Duration.ofSeconds(10));

      new UserEvents(second.node().vertx()).send(user, new Probe("second"));
      Poll.until("the event reached the first node's connection", Duration.ofSeconds(10), () -> !received.isEmpty());
      assertThat(received.get(0).getString("type")).isEqualTo("penalty");
      assertThat(received.get(0).getString("from")).isEqualTo("second");
      new UserEvents(first.node().vertx()).send(user, new Probe("first"));
      Poll.until("and one sent on the first node too", Duration.ofSeconds(10), () -> received.size() >= 2);
      assertThat(received).as("each event once").hasSize(2);

      assertThat(first.http().get("/ready").status()).isEqualTo(200);
      assertThat(second.http().get("/ready").status()).isEqualTo(200);
      assertThat(first.node().vertx().isClustered()).isTrue();
    }
  }

  /** A {@code penalty} event that says which node sent it. */
  private record Probe(String from) implements UserEvent {
    @Override
    public ServerEvent type() {
      return ServerEvent.PENALTY;
    }

    @Override
    public JsonObject fields() {
      return new JsonObject().put("from", from);
    }
  }
}
