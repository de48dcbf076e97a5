package io.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.config.TandemConfig.EmbeddedDbConfig;
import io.tandem.db.EmbeddedDatabase;
import io.tandem.kernel.Topic;
import io.tandem.matching.Shards;
import io.tandem.testing.Actors.Pair;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.Actors;
import io.tandem.testing.Poll;
import io.tandem.testing.Scratch;
import io.tandem.testing.ServerProcess;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient;
import io.tandem.testing.TestSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kill -9} of a clustered node: two servers in JVMs of their own (Hazelcast over TCP on
 * 127.0.0.1), one database in this JVM that both use.
 */
class NodeKillTest {
  private static final Logger log = LoggerFactory.getLogger(NodeKillTest.class);
  private static final int SHARDS = 16;
  private static final Pattern NODE_ID = Pattern.compile("Tandem is ready: \\S+ \\(node ([0-9a-f-]+);");

  private record Node(ServerProcess process, int port, String id, TestClient http) {}

  private static Node ready(ServerProcess process) {
    int port = process.awaitReady(Duration.ofSeconds(120));
    Matcher id = NODE_ID.matcher(process.output());
    assertThat(id.find()).as("the node says its id").isTrue();
    return new Node(process, port, id.group(1), new TestClient("http://127.0.0.1:" + port));
  }

  /** A new topic whose matching shard {@code node} owns now. */
  private static String topicOwnedBy(String databaseUrl, Node node) {
    List<String> owned = Sql.rowsAt(databaseUrl, "SELECT shard FROM shard_leases WHERE owner_node = ? AND expires_at > now()", node.id())
        .stream().map(row -> row[0]).toList();
    assertThat(owned).as("node %s owns shards", node.id()).isNotEmpty();
    while (true) {
      String topic = Actors.uniqueTopic();
      if (owned.contains(String.valueOf(Shards.of(new Topic(topic), SHARDS)))) {
        return topic;
      }
    }
  }

  @Test
  @DisplayName("kill -9 of the shard owner: the survivor offers its queued request within 10 s, its rooms keep working, a reconnecting participant misses nothing")
  void shardOwnerKilled() throws Exception {
    try (EmbeddedDatabase database = EmbeddedDatabase.start(
        EmbeddedDbConfig.at(Scratch.directory("tandem-node-kill-pg").resolve("data"), 0))) {
      String db = database.url();
      Map<String, String> clustered = Map.of(
          "db.url", db,
          "cluster.enabled", "true",
          "cluster.name", "kill-" + UUID.randomUUID(),
          "cluster.leaseSeconds", "3",
          "matching.shards", String.valueOf(SHARDS),
          "matching.sweepIntervalMs", "500",
          "session.reconnectGraceSeconds", "60");
      try (ServerProcess first = ServerProcess.start(clustered);
           ServerProcess second = ServerProcess.start(clustered)) {
        Node victim = ready(first);
        Node survivor = ready(second);
        Poll.until("both nodes own shards", Duration.ofSeconds(30), () -> Sql.rowsAt(db,
            "SELECT DISTINCT owner_node FROM shard_leases WHERE expires_at > now()").size() == 2);

        // A room wholly on the survivor, and one whose client is on the victim.
        String survivorTopic = topicOwnedBy(db, survivor);
        Pair onSurvivor = Actors.matched(Actors.client(survivor.http(), survivor.port()),
            Actors.expert(survivor.http(), survivor.port(), survivorTopic, Actors.SHANGHAI_LAT, Actors.SHANGHAI_LNG, 1), survivorTopic);
        String crossTopic = topicOwnedBy(db, survivor);
        Pair across = Actors.matched(Actors.client(victim.http(), victim.port()),
            Actors.expert(survivor.http(), survivor.port(), crossTopic, Actors.SHANGHAI_LAT, Actors.SHANGHAI_LNG, 1), crossTopic);
        for (Pair pair : List.of(onSurvivor, across)) {
          pair.client().socket().ack("room.join", new JsonObject().put("sessionId", pair.sessionId()));
          pair.expert().socket().ack("room.join", new JsonObject().put("sessionId", pair.sessionId()));
          for (int i = 1; i <= 3; i++) {
            Chat.sendUntilAcked(pair.client().socket(), pair.sessionId(), "before" + i, Duration.ofSeconds(10));
          }
        }
        int crossClientSaw = Chat.liveView(across.client().socket(), 3).size();

        // A request queued on a shard the victim owns, with nobody online for it yet.
        String victimTopic = topicOwnedBy(db, victim);
        Person waiting = Actors.client(survivor.http(), survivor.port());
        String requestId = waiting.socket().ack("request.create", Actors.request(victimTopic, "chat")).getString("requestId");

        victim.process().kill();
        long killedAt = System.nanoTime();
        log.info("killed node {} (pid {})", victim.id(), victim.process().jvm().pid());

        // The survivor's own room does not notice.
        for (int i = 1; i <= 5; i++) {
          JsonObject ack = onSurvivor.expert().socket().call("room.send",
              new JsonObject().put("sessionId", onSurvivor.sessionId()).put("clientMsgId", "after" + i).put("text", "after " + i));
          assertThat(ack.getString("type")).as("a room on the survivor keeps acknowledging: %s", ack.encode()).isEqualTo("ack");
        }

        // An expert for the orphaned shard's topic comes online on the survivor: the queued request reaches them.
        try (Person expert = Actors.expert(survivor.http(), survivor.port(), victimTopic, Actors.SHANGHAI_LAT, Actors.SHANGHAI_LNG, 1, "chat")) {
          JsonObject offer = expert.socket().awaitEvent("offer");
          Duration offeredAfter = Duration.ofNanos(System.nanoTime() - killedAt);
          log.info("queued request offered by the survivor {} ms after the kill", offeredAfter.toMillis());
          assertThat(offer.getString("requestId")).isEqualTo(requestId);
          assertThat(offeredAfter).isLessThan(Duration.ofSeconds(10));
        }

        // The expert goes on talking; the client whose node died reconnects to the survivor and misses nothing.
        for (int i = 1; i <= 3; i++) {
          Chat.sendUntilAcked(across.expert().socket(), across.sessionId(), "while-away" + i, Duration.ofSeconds(10));
        }
        try (TestSocket back = TestSocket.connect(survivor.port(), across.client().session().accessToken())) {
          JsonArray missed = back.ack("room.join", new JsonObject().put("sessionId", across.sessionId()).put("afterSeq", crossClientSaw))
              .getJsonArray("messages");
          assertThat(missed.stream().map(m -> ((JsonObject) m).getString("clientMsgId")).toList())
              .as("every message after the last one it saw, once, in order")
              .containsExactly("while-away1", "while-away2", "while-away3");
        }
        assertThat(Chat.storedTranscript(db, across.sessionId())).hasSize(6);
        onSurvivor.close();
        waiting.close();
        across.expert().close();
      }
    }
  }
}
