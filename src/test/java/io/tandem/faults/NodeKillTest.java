package io.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.db.EmbeddedDatabase;
import io.tandem.db.EmbeddedDbConfig;
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

  /** Two nodes' settings: one database, a cluster of their own, a short lease so that a death is noticed in seconds. */
  private static Map<String, String> clustered(String db) {
    return Map.of(
        "db.url", db,
        "cluster.enabled", "true",
        "cluster.name", "kill-" + UUID.randomUUID(),
        "cluster.leaseSeconds", "3",
        "matching.shards", String.valueOf(SHARDS),
        "matching.sweepIntervalMs", "500",
        "session.reconnectGraceSeconds", "60");
  }

  private interface TwoNodes {
    void run(String db, Node victim, Node survivor) throws Exception;
  }

  /** Two clustered nodes in JVMs of their own on one embedded database, both owning shards, for {@code test}. */
  private static void twoNodes(TwoNodes test) throws Exception {
    try (EmbeddedDatabase database = EmbeddedDatabase.start(
        EmbeddedDbConfig.at(Scratch.directory("tandem-node-kill-pg").resolve("data"), 0))) {
      String db = database.url();
      Map<String, String> clustered = clustered(db);
      try (ServerProcess first = ServerProcess.start(clustered);
           ServerProcess second = ServerProcess.start(clustered)) {
        Node victim = ready(first);
        Node survivor = ready(second);
        Poll.until("both nodes own shards", Duration.ofSeconds(30), () -> Sql.rowsAt(db,
            "SELECT DISTINCT owner_node FROM shard_leases WHERE expires_at > now()").size() == 2);
        test.run(db, victim, survivor);
      }
    }
  }

  @Test
  @DisplayName("kill -9 of the shard owner: the survivor offers its queued request within 10 s, its rooms keep working, a reconnecting participant misses nothing")
  void shardOwnerKilled() throws Exception {
    twoNodes((db, victim, survivor) -> {

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
      // And talks on while the client comes back: the rejoined client must see every message, the
      // join's answer and the live ones together, each once, none lost while the cluster learnt of
      // its new connection.
      int streamed = 30;
      Thread talking = new Thread(() -> {
        for (int i = 1; i <= streamed; i++) {
          Chat.sendUntilAcked(across.expert().socket(), across.sessionId(), "stream" + i, Duration.ofSeconds(10));
        }
      });
      talking.start();
      try (TestSocket back = TestSocket.connect(survivor.port(), across.client().session().accessToken())) {
        JsonArray missed = back.ack("room.join", new JsonObject().put("sessionId", across.sessionId()).put("afterSeq", crossClientSaw))
            .getJsonArray("messages");
        assertThat(missed.stream().limit(3).map(m -> ((JsonObject) m).getString("clientMsgId")).toList())
            .as("every message after the last one it saw, once, in order")
            .containsExactly("while-away1", "while-away2", "while-away3");
        talking.join(Duration.ofSeconds(60).toMillis());
        int last = crossClientSaw + 3 + streamed;
        Map<Integer, String> stored = Chat.storedTranscript(db, across.sessionId());
        assertThat(stored).hasSize(last);
        Map<Integer, String> view = new java.util.TreeMap<>();
        missed.forEach(m -> view.put(((JsonObject) m).getInteger("seq"), ((JsonObject) m).getString("from") + "/" + ((JsonObject) m).getString("clientMsgId")));
        int joinLast = view.isEmpty() ? crossClientSaw : java.util.Collections.max(view.keySet());
        if (joinLast < last) {
          view.putAll(Chat.liveViewFrom(back, joinLast + 1, last));
        }
        assertThat(view).as("what the rejoined client saw is the transcript after what it had").isEqualTo(new java.util.TreeMap<>(stored).tailMap(crossClientSaw + 1));
      }
      onSurvivor.close();
      waiting.close();
      across.expert().close();
    });
  }

  @Test
  @DisplayName("kill -9 of the node both participants of 6 rooms were on: both rejoin on the survivor and talk at once; each sees the whole transcript, once, in order")
  void bothParticipantsMove() throws Exception {
    twoNodes((db, victim, survivor) -> {
      List<Pair> rooms = new java.util.ArrayList<>();
      for (int r = 0; r < 6; r++) {
        String topic = topicOwnedBy(db, survivor);
        Pair pair = Actors.matched(Actors.client(victim.http(), victim.port()),
            Actors.expert(victim.http(), victim.port(), topic, Actors.SHANGHAI_LAT, Actors.SHANGHAI_LNG, 1), topic);
        pair.client().socket().ack("room.join", new JsonObject().put("sessionId", pair.sessionId()));
        pair.expert().socket().ack("room.join", new JsonObject().put("sessionId", pair.sessionId()));
        Chat.sendUntilAcked(pair.client().socket(), pair.sessionId(), "before", Duration.ofSeconds(10));
        rooms.add(pair);
      }
      victim.process().kill();

      int each = 8;
      List<Thread> talking = new java.util.ArrayList<>();
      List<TestSocket> back = new java.util.ArrayList<>();
      List<java.util.concurrent.ConcurrentHashMap<Integer, String>> views = new java.util.ArrayList<>();
      java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
      for (Pair pair : rooms) {
        for (Person person : List.of(pair.client(), pair.expert())) {
          TestSocket socket = TestSocket.connect(survivor.port(), person.session().accessToken());
          back.add(socket);
          java.util.concurrent.ConcurrentHashMap<Integer, String> view = new java.util.concurrent.ConcurrentHashMap<>();
          views.add(view);
          Thread thread = new Thread(() -> {
            try {
              // Rejoin after what it saw (seq 1), then talk at once.
              JsonObject joined = Poll.value("room.join on the survivor", Duration.ofSeconds(20),
                  () -> socket.call("room.join", new JsonObject().put("sessionId", pair.sessionId()).put("afterSeq", 1)),
                  answer -> "ack".equals(answer.getString("type")));
              joined.getJsonArray("messages").forEach(m -> view.put(((JsonObject) m).getInteger("seq"),
                  ((JsonObject) m).getString("from") + "/" + ((JsonObject) m).getString("clientMsgId")));
              for (int i = 1; i <= each; i++) {
                Chat.sendUntilAcked(socket, pair.sessionId(), person.id().substring(0, 8) + "-" + i, Duration.ofSeconds(20));
              }
            } catch (Throwable e) {
              failures.add(e);
            }
          });
          talking.add(thread);
        }
      }
      talking.forEach(Thread::start);
      for (Thread thread : talking) {
        thread.join(Duration.ofSeconds(90).toMillis());
      }
      assertThat(failures).as("every rejoin and send answered").isEmpty();
      int last = 1 + 2 * each;
      for (int r = 0; r < rooms.size(); r++) {
        Map<Integer, String> stored = Chat.storedTranscript(db, rooms.get(r).sessionId());
        assertThat(stored).hasSize(last);
        for (int side = 0; side < 2; side++) {
          Map<Integer, String> view = new java.util.TreeMap<>(views.get(2 * r + side));
          TestSocket socket = back.get(2 * r + side);
          try {
            Poll.until("room " + r + " side " + side + " saw every seq live or in its join", Duration.ofSeconds(15), () -> {
              for (JsonObject m = socket.nextEvent("room.message"); m != null; m = socket.nextEvent("room.message")) {
                String previous = view.put(m.getInteger("seq"), m.getString("from") + "/" + m.getString("clientMsgId"));
                assertThat(previous).as("seq %s delivered twice", m.getInteger("seq")).isNull();
              }
              return view.size() == last - 1;
            });
          } catch (AssertionError notAll) {
            log.warn("room {} side {}: {}", r, side, notAll.getMessage()); // the comparison below says which
          }
          assertThat(view).as("room %s side %s: the join's answer and the live messages are the transcript", r, side)
              .isEqualTo(new java.util.TreeMap<>(stored).tailMap(2));
        }
      }
      back.forEach(TestSocket::close);
      // A peer's death is an event the survivor expects: said once per member, no ERROR, no flood.
      String said = survivor.process().output();
      assertThat(said.lines().filter(line -> line.contains(" ERROR ")).toList()).as("the survivor logs no ERROR").isEmpty();
      assertThat(said.lines().filter(line -> line.contains("Connecting to server ")).count())
          .as("the dead member's unreachable event bus, said once").isLessThanOrEqualTo(1);
    });
  }
}
