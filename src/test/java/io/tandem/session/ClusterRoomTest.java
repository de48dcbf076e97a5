package io.tandem.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Pair;
import io.tandem.testing.RunningNode;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClusterRoomTest {
  @Test
  @DisplayName("a client and an expert on different cluster nodes exchange messages and signals")
  void acrossNodes() {
    Map<String, String> clustered = Map.of("cluster.enabled", "true", "cluster.name", "test-" + UUID.randomUUID());
    try (RunningNode first = RunningNode.start(TestConfig.with(clustered));
         RunningNode second = RunningNode.start(TestConfig.with(clustered));
         Pair pair = Actors.matched(first, second)) {
      String id = pair.sessionId();
      pair.client().socket().ack("room.join", new JsonObject().put("sessionId", id));
      pair.expert().socket().ack("room.join", new JsonObject().put("sessionId", id));
      pair.client().socket().ack("room.send", new JsonObject().put("sessionId", id).put("clientMsgId", "c1").put("text", "from node one"));
      pair.expert().socket().ack("room.send", new JsonObject().put("sessionId", id).put("clientMsgId", "e1").put("text", "from node two"));
      assertThat(pair.expert().socket().awaitEvent("room.message", m -> m.getInteger("seq") == 1).getString("text")).isEqualTo("from node one");
      assertThat(pair.client().socket().awaitEvent("room.message", m -> m.getInteger("seq") == 2).getString("text")).isEqualTo("from node two");

      JsonObject answer = new JsonObject().put("type", "answer").put("sdp", "v=0");
      pair.expert().socket().ack("room.signal", new JsonObject().put("sessionId", id).put("signal", answer));
      assertThat(pair.client().socket().awaitEvent("room.signal").getJsonObject("signal")).isEqualTo(answer);
      JsonObject candidate = new JsonObject().put("candidate", "candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host");
      pair.client().socket().ack("room.signal", new JsonObject().put("sessionId", id).put("signal", candidate));
      assertThat(pair.expert().socket().awaitEvent("room.signal").getJsonObject("signal")).isEqualTo(candidate);
    }
  }
}
