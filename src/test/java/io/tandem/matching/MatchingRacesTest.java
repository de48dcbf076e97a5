package io.tandem.matching;

import io.tandem.kernel.Topic;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.Actors;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestConfig;
import io.tandem.testing.TestSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/** The invariants PostgreSQL guards, under concurrency. */
class MatchingRacesTest {
  private static RunningNode node;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.with(Map.of(
        "ws.framesPerSecond", "1000",
        "ws.frameBurst", "1000",
        "db.poolSize", "32",
        "ledger.initialBalance", "100000000",
        // The clients here only make requests over HTTP, without a WebSocket: they count as there a poll long.
        "matching.clientPresentSeconds", "600",
        "matching.clientGoneSeconds", "600")));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  @DisplayName("50 concurrent accepts of one offer give exactly one session")
  void concurrentAccepts() throws Exception {
    String topic = Actors.uniqueTopic();
    try (Person expert = Actors.expert(node, topic);
         Person client = Actors.client(node)) {
      String requestId = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      String offerId = expert.socket().awaitEvent("offer").getString("offerId");

      List<TestSocket> devices = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        devices.add(TestSocket.connect(node.node().httpPort(), expert.session().accessToken()));
      }
      ExecutorService pool = Executors.newFixedThreadPool(10);
      try {
        List<Future<List<JsonObject>>> answers = new ArrayList<>();
        for (TestSocket device : devices) {
          answers.add(pool.submit(() -> {
            List<String> cids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
              String cid = "accept-" + i;
              cids.add(cid);
              device.send(new JsonObject().put("type", "offer.accept").put("cid", cid).put("offerId", offerId));
            }
            List<JsonObject> replies = new ArrayList<>();
            for (String cid : cids) {
              replies.add(device.await(f -> cid.equals(f.getString("cid")), "the answer to " + cid));
            }
            return replies;
          }));
        }
        List<JsonObject> all = new ArrayList<>();
        for (Future<List<JsonObject>> answer : answers) {
          all.addAll(answer.get(30, TimeUnit.SECONDS));
        }
        assertThat(all).hasSize(50);
        assertThat(all.stream().filter(a -> "ack".equals(a.getString("type")))).hasSize(1);
        assertThat(all.stream().filter(a -> "conflict".equals(a.getString("code")))).hasSize(49);
      } finally {
        pool.shutdownNow();
        devices.forEach(TestSocket::close);
      }
      assertThat(Sql.count("SELECT count(*) FROM sessions WHERE request_id = ?::uuid", requestId)).isEqualTo(1);
      assertThat(Sql.count("SELECT count(*) FROM offers WHERE id = ?::uuid AND state = 'accepted'", offerId)).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("two shards offering to the same experts at once never put one above capacity")
  void twoShardsOneExpert() {
    String first = Actors.uniqueTopic();
    String second = Actors.uniqueTopic();
    while (Shards.of(new Topic(second), 16) == Shards.of(new Topic(first), 16)) {
      second = Actors.uniqueTopic();
    }
    String other = second;
    List<Person> experts = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        Person expert = Actors.expert(node, first, Actors.SHANGHAI_LAT, Actors.SHANGHAI_LNG, 1);
        expert.socket().ack("presence.online", new JsonObject().put("topics", new io.vertx.core.json.JsonArray().add(first).add(other)));
        experts.add(expert);
      }
      // One live request per client: a client for each.
      for (int i = 0; i < 30; i++) {
        node.http().post("/api/v1/requests", Actors.request(first, "chat"), node.http().signUp("client").accessToken());
        node.http().post("/api/v1/requests", Actors.request(other, "chat"), node.http().signUp("client").accessToken());
      }
      String offered = "SELECT count(*) FROM offers o JOIN requests r ON r.id = o.request_id WHERE o.state = 'pending' AND r.topic IN (?, ?)";
      Poll.until("every expert holds an offer", Duration.ofSeconds(20), () -> Sql.count(offered, first, other) == 10);
      assertThat(Sql.count("SELECT count(*) FROM (SELECT o.expert_id FROM offers o JOIN requests r ON r.id = o.request_id"
          + " WHERE o.state = 'pending' AND r.topic IN (?, ?) GROUP BY o.expert_id HAVING count(*) > 1) twice", first, other)).isZero();
    } finally {
      experts.forEach(Person::close);
      Sql.cancelWaiting(first, other);
    }
  }

  @Test
  @DisplayName("200 requests against 20 experts of capacity 1: no expert ever holds two, checked in SQL")
  void capacityUnderLoad() throws Exception {
    String topic = Actors.uniqueTopic();
    List<Person> experts = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        experts.add(Actors.expert(node, topic, Actors.SHANGHAI_LAT + i * 0.01, Actors.SHANGHAI_LNG, 1));
      }
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Integer>> created = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          // One live request per client: a client for each.
          created.add(pool.submit(() -> node.http().post("/api/v1/requests", Actors.request(topic, "chat"),
              node.http().signUp("client").accessToken()).status()));
        }
        for (Future<Integer> status : created) {
          assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(201);
        }
      } finally {
        pool.shutdownNow();
      }
      // Every expert accepts whatever they are offered, as fast as they can.
      for (Person expert : experts) {
        JsonObject offer = expert.socket().awaitEvent("offer");
        expert.socket().send(new JsonObject().put("type", "offer.accept").put("offerId", offer.getString("offerId")));
      }
      Poll.until("20 sessions exist", Duration.ofSeconds(20),
          () -> Sql.count("SELECT count(*) FROM sessions s JOIN requests r ON r.id = s.request_id WHERE r.topic = ?", topic) == 20);

      String overbooked = "SELECT count(*) FROM (SELECT p.expert_id FROM expert_presence p WHERE p.topics @> ARRAY[?]::text[]"
          + " AND expert_load(p.expert_id) > p.capacity) over";
      assertThat(Sql.count(overbooked, topic)).isZero();
      assertThat(Sql.count("SELECT count(*) FROM (SELECT expert_id FROM sessions s JOIN requests r ON r.id = s.request_id"
          + " WHERE r.topic = ? GROUP BY expert_id HAVING count(*) > 1) twice", topic)).isZero();
      assertThat(Sql.count("SELECT count(*) FROM (SELECT request_id FROM sessions GROUP BY request_id HAVING count(*) > 1) twice")).isZero();
      assertThat(Sql.count("SELECT count(*) FROM (SELECT request_id FROM offers WHERE state = 'pending' GROUP BY request_id"
          + " HAVING count(*) > 1) twice")).isZero();
      assertThat(Sql.count("SELECT count(*) FROM requests WHERE topic = ? AND status = 'queued'", topic)).isEqualTo(180);
    } finally {
      experts.forEach(Person::close);
      Sql.cancelWaiting(topic);
    }
  }
}
