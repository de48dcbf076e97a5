package io.tandem.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Pair;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The operator console's reads and the public topic list, against what the database holds. */
class OperatorApiTest {
  private static final String ADMIN = "console-admin";
  private static final String ADMIN_PASSWORD = "console-password-123";
  private static RunningNode node;
  private static String admin;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.with(Map.of("auth.admins", TestConfig.admin(ADMIN, ADMIN_PASSWORD))));
    admin = node.http().logIn(ADMIN, ADMIN_PASSWORD);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonObject find(JsonArray items, String key, String value) {
    return items.stream().map(JsonObject.class::cast).filter(item -> value.equals(item.getString(key))).findFirst().orElse(null);
  }

  @Test
  @DisplayName("GET /api/v1/topics lists what experts offer and how many are online, without signing in")
  void topics() {
    String topic = Actors.uniqueTopic();
    try (Person online = Actors.expert(node, topic)) {
      JsonObject listed = find(node.http().get("/api/v1/topics").json().getJsonArray("topics"), "topic", topic);
      assertThat(listed).isNotNull();
      assertThat(listed.getLong("experts")).isEqualTo(1);
      assertThat(listed.getLong("online")).isEqualTo(1);
      online.socket().ack("presence.offline", new JsonObject());
      assertThat(find(node.http().get("/api/v1/topics").json().getJsonArray("topics"), "topic", topic).getLong("online")).isEqualTo(0);
    }
  }

  @Test
  @DisplayName("GET /api/v1/topics tells online from free: an expert at capacity is online but not free until the session ends")
  void busyExpertsAreOnlineButNotFree() {
    String topic = Actors.uniqueTopic();
    try (Person expert = Actors.expert(node, topic); Person client = Actors.client(node)) {
      JsonObject idle = find(node.http().get("/api/v1/topics").json().getJsonArray("topics"), "topic", topic);
      assertThat(idle.getLong("online")).isEqualTo(1);
      assertThat(idle.getLong("free")).isEqualTo(1);

      Pair pair = Actors.matched(client, expert, topic);
      JsonObject busy = find(node.http().get("/api/v1/topics").json().getJsonArray("topics"), "topic", topic);
      assertThat(busy.getLong("online")).as("still online").isEqualTo(1);
      assertThat(busy.getLong("free")).as("capacity 1, one session").isEqualTo(0);

      pair.client().socket().ack("room.join", new JsonObject().put("sessionId", pair.sessionId()));
      pair.expert().socket().ack("room.join", new JsonObject().put("sessionId", pair.sessionId()));
      pair.client().socket().awaitEvent("session.active");
      JsonObject ended = pair.expert().socket().ack("session.end", new JsonObject().put("sessionId", pair.sessionId()));
      assertThat(ended.getString("status")).isEqualTo("completed");
      assertThat(ended.getLong("durationSeconds")).as("the one who ended is told how long it ran").isNotNull().isGreaterThanOrEqualTo(0);
      JsonObject freeAgain = find(node.http().get("/api/v1/topics").json().getJsonArray("topics"), "topic", topic);
      assertThat(freeAgain.getLong("free")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("GET /api/v1/topics counts an expert of two topics in each topic, and once in expertsOnline")
  void expertsOnlineCountsEachExpertOnce() {
    String topic = Actors.uniqueTopic();
    try (Person both = Actors.expert(node, topic + "," + topic + ".sub")) {
      JsonObject topics = node.http().get("/api/v1/topics").json();
      assertThat(find(topics.getJsonArray("topics"), "topic", topic).getLong("online")).isEqualTo(1);
      assertThat(find(topics.getJsonArray("topics"), "topic", topic + ".sub").getLong("online")).isEqualTo(1);
      // Other tests' experts may come and go meanwhile: look for a moment in which only this one did.
      Poll.until("going offline takes exactly one from expertsOnline", Duration.ofSeconds(30), () -> {
        long online = node.http().get("/api/v1/topics").json().getLong("expertsOnline");
        both.socket().ack("presence.offline", new JsonObject());
        long offline = node.http().get("/api/v1/topics").json().getLong("expertsOnline");
        both.socket().ack("presence.online", new JsonObject());
        long back = node.http().get("/api/v1/topics").json().getLong("expertsOnline");
        return online - offline == 1 && back - offline == 1;
      });
    }
  }

  @Test
  @DisplayName("the console sees the queue, the experts online, live sessions, penalties and ledger totals; nobody else may")
  void console() {
    String lonelyTopic = Actors.uniqueTopic();
    try (Pair pair = Actors.matched(node); Person waiting = Actors.client(node)) {
      waiting.socket().ack("request.create", Actors.request(lonelyTopic, "chat"));

      JsonObject queued = find(node.http().get("/api/v1/admin/queue", admin).json().getJsonArray("topics"), "topic", lonelyTopic);
      assertThat(queued.getLong("waiting")).isEqualTo(1);
      assertThat(queued.getLong("oldestWaitSeconds")).isGreaterThanOrEqualTo(0);
      assertThat(queued.containsKey("etaSeconds")).isTrue();

      JsonObject expert = find(node.http().get("/api/v1/admin/experts", admin).json().getJsonArray("experts"), "id", pair.expert().id());
      assertThat(expert.getString("status")).isEqualTo("online");
      assertThat(expert.getInteger("load")).isEqualTo(1);

      JsonObject session = find(node.http().get("/api/v1/admin/sessions", admin).json().getJsonArray("sessions"), "id", pair.sessionId());
      assertThat(session.getString("status")).isEqualTo("waiting");
      assertThat(session.getJsonObject("client").getString("id")).isEqualTo(pair.client().id());

      JsonObject ledger = node.http().get("/api/v1/admin/ledger", admin).json();
      assertThat(ledger.getLong("total")).as("double entry").isEqualTo(0);
      assertThat(find(ledger.getJsonArray("accounts"), "account", "escrow").getLong("balance")).isPositive();

      assertThat(node.http().get("/api/v1/admin/penalties?limit=5", admin).json().getJsonArray("penalties").size()).isLessThanOrEqualTo(5);
      assertThat(node.http().get("/api/v1/admin/penalties?limit=0", admin).errorCode()).isEqualTo("bad_request");

      Response refused = node.http().get("/api/v1/admin/queue", pair.client().session().accessToken());
      assertThat(refused.status()).isEqualTo(403);
      assertThat(node.http().get("/api/v1/admin/sessions").status()).isEqualTo(401);
    } finally {
      Sql.cancelWaiting(lonelyTopic);
    }
  }
}
