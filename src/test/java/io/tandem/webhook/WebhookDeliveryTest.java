package io.tandem.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Pair;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestConfig;
import io.tandem.testing.WebhookReceiver;
import io.tandem.testing.WebhookReceiver.Delivery;
import io.tandem.wire.StandardWebhooks;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WebhookDeliveryTest {
  private static final String SECRET = "test-webhook-secret-0123456789";
  private static final String ADMIN = "webhook-ops";
  private static final String ADMIN_PASSWORD = "webhook-ops-password";

  private static WebhookReceiver receiver;
  private static RunningNode node;
  private static String adminToken;

  @BeforeAll
  static void start() {
    receiver = WebhookReceiver.start();
    node = RunningNode.start(TestConfig.with(Map.of(
        "webhooks.url", receiver.url(),
        "webhooks.secret", SECRET,
        "webhooks.pollIntervalMs", "50",
        "webhooks.initialBackoffMs", "100",
        "webhooks.maxBackoffMs", "400",
        "auth.admins", TestConfig.admin(ADMIN, ADMIN_PASSWORD))));
    adminToken = node.http().logIn(ADMIN, ADMIN_PASSWORD);
  }

  @AfterAll
  static void stop() {
    node.close();
    receiver.close();
  }

  @Test
  @DisplayName("a consultation's lifecycle reaches the receiver in order, each event once, signed, with its idempotency id")
  void lifecycleInOrder() {
    receiver.answer(d -> 200);
    try (Pair pair = Actors.matched(node)) {
      JsonObject join = new JsonObject().put("sessionId", pair.sessionId());
      pair.client().socket().ack("room.join", join);
      pair.expert().socket().ack("room.join", join);
      pair.expert().socket().ack("session.end", join);
      String requestId = node.http().get("/api/v1/sessions/" + pair.sessionId(), pair.client().session().accessToken())
          .json().getString("requestId");

      Poll.until("the capture reaches the receiver", Duration.ofSeconds(10),
          () -> receiver.about(requestId, pair.sessionId()).stream().anyMatch(d -> d.type().equals("ledger.capture")));
      List<Delivery> got = receiver.about(requestId, pair.sessionId());
      assertThat(got).extracting(Delivery::type).containsExactly(
          "request.created", "offer.made", "offer.accepted", "request.matched", "ledger.hold",
          "session.started", "session.completed", "ledger.capture");
      assertThat(got).extracting(Delivery::id).doesNotHaveDuplicates();
      for (Delivery d : got) {
        assertThat(d.signature()).isEqualTo(StandardWebhooks.sign(SECRET, d.id(), d.timestamp(), d.body()));
        assertThat(Duration.between(Instant.ofEpochSecond(d.timestamp()), Instant.now()).abs()).isLessThan(Duration.ofMinutes(1));
        assertThat(d.json().getString("id")).as("the body names its idempotency id too").isEqualTo(d.id());
      }
      JsonObject matched = got.get(3).json().getJsonObject("data");
      assertThat(matched.getString("requestId")).isEqualTo(requestId);
      assertThat(matched.getString("sessionId")).isEqualTo(pair.sessionId());
      JsonObject capture = got.get(7).json().getJsonObject("data");
      assertThat(capture.getString("userId")).isEqualTo(pair.expert().id());
      assertThat(capture.getLong("amount")).isPositive();
    }
  }

  @Test
  @DisplayName("a receiver that fails for a while gets every event once it answers, in order; the admin reads the log and replays")
  void failingReceiver() {
    // The first three attempts of every event fail with 500.
    Map<String, AtomicInteger> attempts = new java.util.concurrent.ConcurrentHashMap<>();
    receiver.answer(d -> attempts.computeIfAbsent(d.id(), id -> new AtomicInteger()).incrementAndGet() <= 3 ? 500 : 200);
    try (Person client = Actors.client(node)) {
      String requestId = client.socket().ack("request.create", Actors.request(Actors.uniqueTopic(), "chat")).getString("requestId");
      client.socket().ack("request.cancel", new JsonObject().put("requestId", requestId));

      Poll.until("the cancellation gets through", Duration.ofSeconds(15), () -> receiver.about(requestId).stream()
          .anyMatch(d -> d.type().equals("request.cancelled") && attempts.get(d.id()).get() > 3));
      List<Delivery> got = receiver.about(requestId);
      assertThat(got).extracting(Delivery::type).containsExactly(
          "request.created", "request.created", "request.created", "request.created",
          "request.cancelled", "request.cancelled", "request.cancelled", "request.cancelled");
      assertThat(got.subList(0, 4)).extracting(Delivery::id).containsOnly(got.get(0).id());
      assertThat(got.get(0).body()).as("the same bytes on every attempt").isEqualTo(got.get(3).body());

      String subscription = WebhookStore.configuredId(receiver.url()).toString();
      JsonArray log = admin().get("/api/v1/admin/webhooks/" + subscription + "/deliveries?limit=500", adminToken)
          .json().getJsonArray("deliveries");
      JsonObject created = find(log, got.get(0).id());
      assertThat(created.getString("state")).isEqualTo("delivered");
      assertThat(created.getInteger("attempts")).isEqualTo(4);
      assertThat(created.getInteger("lastStatus")).isEqualTo(200);
      assertThat(created.getString("orderingKey")).isEqualTo(requestId);

      Response replayed = admin().post("/api/v1/admin/webhooks/" + subscription + "/deliveries/" + got.get(0).id() + "/replay",
          new JsonObject(), adminToken);
      assertThat(replayed.status()).isEqualTo(200);
      Poll.until("the replay arrives with the same id", Duration.ofSeconds(5),
          () -> receiver.about(requestId).stream().filter(d -> d.id().equals(got.get(0).id())).count() == 5);
    } finally {
      receiver.answer(d -> 200);
    }
  }

  @Test
  @DisplayName("the admin API checks what it is given, shows a new secret once, and keeps configured subscriptions to the configuration")
  void adminApi() {
    Person someone = Actors.client(node);
    someone.close();
    assertThat(admin().get("/api/v1/admin/webhooks", someone.session().accessToken()).status()).isEqualTo(403);
    assertThat(admin().post("/api/v1/admin/webhooks", new JsonObject().put("url", "ftp://example.com/x"), adminToken).errorCode())
        .isEqualTo("bad_request");
    Response unknownEvent = admin().post("/api/v1/admin/webhooks",
        new JsonObject().put("url", "https://example.com/hook").put("events", new JsonArray().add("request.teleported")), adminToken);
    assertThat(unknownEvent.status()).isEqualTo(400);
    assertThat(unknownEvent.errorMessage()).contains("request.teleported").contains("request.created");
    assertThat(admin().post("/api/v1/admin/webhooks", new JsonObject().put("url", "https://example.com/hook").put("secret", "short"),
        adminToken).status()).isEqualTo(400);

    Response created = admin().post("/api/v1/admin/webhooks",
        new JsonObject().put("url", "https://example.com/hook").put("events", new JsonArray().add("session.no_show")), adminToken);
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().getString("id");
    assertThat(created.json().getString("secret")).startsWith("whsec_");
    assertThat(created.json().getString("source")).isEqualTo("admin");
    JsonObject listed = admin().get("/api/v1/admin/webhooks", adminToken).json();
    assertThat(listed.encode()).contains(id).doesNotContain(created.json().getString("secret"));
    assertThat(listed.getJsonArray("eventTypes")).contains("offer.timed_out", "ledger.capture");

    assertThat(admin().delete("/api/v1/admin/webhooks/" + id, adminToken).json().getBoolean("active")).isFalse();
    assertThat(admin().delete("/api/v1/admin/webhooks/" + WebhookStore.configuredId(receiver.url()), adminToken).errorCode())
        .isEqualTo("conflict");
    assertThat(admin().delete("/api/v1/admin/webhooks/not-a-uuid", adminToken).status()).isEqualTo(404);
    assertThat(admin().get("/api/v1/admin/webhooks/" + java.util.UUID.randomUUID() + "/deliveries", adminToken).status()).isEqualTo(404);
    assertThat(admin().get("/api/v1/admin/webhooks/" + id + "/deliveries?state=lost", adminToken).status()).isEqualTo(400);
    assertThat(admin().post("/api/v1/admin/webhooks/" + id + "/deliveries/" + java.util.UUID.randomUUID() + "/replay", new JsonObject(),
        adminToken).status()).isEqualTo(404);
  }

  private static io.tandem.testing.TestClient admin() {
    return node.http();
  }

  private static JsonObject find(JsonArray log, String eventId) {
    Map<String, JsonObject> byId = new HashMap<>();
    log.forEach(item -> byId.put(((JsonObject) item).getString("eventId"), (JsonObject) item));
    assertThat(byId).as("the log holds event %s", eventId).containsKey(eventId);
    return byId.get(eventId);
  }
}
