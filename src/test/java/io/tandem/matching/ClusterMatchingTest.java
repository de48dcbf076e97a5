package io.tandem.matching;

import io.tandem.kernel.Topic;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.Actors;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** Two clustered nodes in one JVM (Hazelcast over TCP on 127.0.0.1) sharing the test database. */
class ClusterMatchingTest {
  private static final int SHARDS = 16;

  private static Map<String, String> clustered(String name) {
    return Map.of("cluster.enabled", "true", "cluster.name", name, "cluster.leaseSeconds", "3", "matching.shards", String.valueOf(SHARDS));
  }

  private static String ownerOf(String topic) {
    int shard = Shards.of(new Topic(topic), SHARDS);
    return Poll.value("shard " + shard + " has an owner", Duration.ofSeconds(15),
        () -> Sql.string("SELECT owner_node FROM shard_leases WHERE shard = ? AND expires_at > now()", shard), owner -> owner != null);
  }

  @Test
  @DisplayName("an expert on one node and a client on the other are matched across the cluster")
  void acrossNodes() {
    String name = "test-" + UUID.randomUUID();
    try (RunningNode first = RunningNode.start(TestConfig.with(clustered(name)));
         RunningNode second = RunningNode.start(TestConfig.with(clustered(name)))) {
      String topic = Actors.uniqueTopic();
      try (Person expert = Actors.expert(first, topic);
           Person client = Actors.client(second)) {
        String requestId = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
        JsonObject offer = expert.socket().awaitEvent("offer");
        assertThat(offer.getString("requestId")).isEqualTo(requestId);
        String sessionId = expert.socket().ack("offer.accept", new JsonObject().put("offerId", offer.getString("offerId"))).getString("sessionId");
        assertThat(client.socket().awaitEvent("request.matched").getString("sessionId")).isEqualTo(sessionId);
        assertThat(client.socket().awaitEvent("session.ready").getString("sessionId")).isEqualTo(sessionId);
      }
    }
  }

  @Test
  @DisplayName("when the shard owner stops, the survivor takes the shard over and matches the queued request")
  void ownerStops() {
    String name = "test-" + UUID.randomUUID();
    RunningNode first = RunningNode.start(TestConfig.with(clustered(name)));
    RunningNode second = RunningNode.start(TestConfig.with(clustered(name)));
    String topic = Actors.uniqueTopic();
    RunningNode owner = first;
    RunningNode survivor = second;
    boolean ownerClosed = false;
    try {
      // Wait until the second node has taken its share, so that the owner is whichever it is.
      Poll.until("both nodes own shards", Duration.ofSeconds(15), () ->
          Sql.count("SELECT count(DISTINCT owner_node) FROM shard_leases WHERE expires_at > now() AND owner_node IN (?, ?)",
              first.node().nodeId(), second.node().nodeId()) == 2);
      String ownerId = ownerOf(topic);
      if (!ownerId.equals(first.node().nodeId())) {
        owner = second;
        survivor = first;
      }
      try (Person client = Actors.client(survivor)) {
        String requestId = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
        owner.close();
        ownerClosed = true;
        try (Person expert = Actors.expert(survivor, topic)) {
          JsonObject offer = expert.socket().awaitEvent("offer");
          assertThat(offer.getString("requestId")).isEqualTo(requestId);
          assertThat(ownerOf(topic)).isEqualTo(survivor.node().nodeId());
          expert.socket().ack("offer.accept", new JsonObject().put("offerId", offer.getString("offerId")));
          assertThat(client.socket().awaitEvent("request.matched").getString("requestId")).isEqualTo(requestId);
        }
      }
    } finally {
      if (!ownerClosed) {
        owner.close();
      }
      survivor.close();
    }
  }

  @Test
  @DisplayName("a shard whose owner vanished without giving it back is taken over once the lease runs out, and its overdue offer times out;"
      + " a request made meanwhile is stored at once and offered after the takeover")
  void leaseRunsOut() {
    String name = "test-" + UUID.randomUUID();
    try (RunningNode node = RunningNode.start(TestConfig.with(clustered(name)))) {
      String topic = Actors.uniqueTopic();
      int shard = Shards.of(new Topic(topic), SHARDS);
      try (Person expert = Actors.expert(node, topic);
           Person client = Actors.client(node)) {
        String requestId = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
        JsonObject offer = expert.socket().awaitEvent("offer");

        // A node that died holding the shard: its lease still runs for 3 s, and its offer timer is gone.
        Sql.update("UPDATE shard_leases SET owner_node = 'ghost', epoch = epoch + 1, expires_at = now() + interval '3 seconds'"
            + " WHERE shard = ?", shard);
        Sql.update("UPDATE offers SET expires_at = now() WHERE id = ?::uuid", offer.getString("offerId"));
        try (Person meanwhile = Actors.client(node)) {
          // Its shard's owner on this node is fenced at its next write, or already gone: either way
          // the request is stored before the answer (by the fenced batch, or by this node itself).
          JsonObject created = meanwhile.socket().ack("request.create", Actors.request(topic, "chat"));
          assertThat(Sql.string("SELECT status FROM requests WHERE id = ?::uuid", created.getString("requestId"))).isEqualTo("queued");

          JsonObject revoked = expert.socket().awaitEvent("offer.revoked");
          assertThat(revoked.getString("reason")).as("the sweeper fired the dead node's deadline").isEqualTo("timeout");
          Poll.until("the live node owns the shard again", Duration.ofSeconds(10), () -> node.node().nodeId().equals(ownerOf(topic)));
          assertThat(Sql.string("SELECT status FROM requests WHERE id = ?::uuid", requestId)).isEqualTo("queued");
          assertThat(expert.socket().awaitEvent("offer", o -> created.getString("requestId").equals(o.getString("requestId"))))
              .as("the request made while the shard had no owner, offered by the new one").isNotNull();
          client.socket().ack("request.cancel", new JsonObject().put("requestId", requestId));
          meanwhile.socket().ack("request.cancel", new JsonObject().put("requestId", created.getString("requestId")));
        }
      }
    }
  }
}
