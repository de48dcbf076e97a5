package io.tandem.money;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors.Pair;
import io.tandem.testing.Actors;
import io.tandem.testing.LedgerInvariants;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestClient.Session;
import io.tandem.testing.TestClient;
import io.tandem.testing.TestConfig;
import io.tandem.wire.StandardWebhooks;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Prices before asking and on every step after, and adding money: the demo provider, and a real one's signed confirmations. */
class MoneyFlowTest {
  private static final String SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString("a-payment-secret-of-32-bytes-ok!".getBytes());
  private static RunningNode node;
  /** A node whose top-ups go through a real provider, started by the one test that needs it: two nodes not clustered would split the shards. */
  private static RunningNode external;

  /** Topics of this test's own (tests share the database, and the catalogue keeps what it first got): priced as a catalogue would. */
  private static final String CAREER = Actors.uniqueTopic();
  private static final String INTERVIEW = CAREER + ".interview";
  private static final String LEGAL = Actors.uniqueTopic();

  @BeforeAll
  static void start() {
    JsonObject catalogue = new JsonObject()
        .put(CAREER, new JsonObject().put("en", "Priced careers").put("zh-CN", "定价职业").put("price", 2000))
        .put(INTERVIEW, new JsonObject().put("en", "Priced interviews").put("zh-CN", "定价面试")
            .put("price", new JsonObject().put("chat", 1500).put("in_person", 6000)))
        .put(LEGAL, new JsonObject().put("en", "Priced law").put("zh-CN", "定价法律").put("price", 5000));
    node = RunningNode.start(TestConfig.with(Map.of("topics.catalogue", catalogue.encode())));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @AfterEach
  void ledgerBalances() {
    LedgerInvariants.check("after the test");
  }

  @Test
  @DisplayName("a quote needs no sign-in: the most specific price of the topic for the mode, the platform's fee, what the expert earns")
  void quotes() {
    JsonObject chat = node.http().get("/api/v1/quotes?topic=" + INTERVIEW + "&mode=chat").json();
    assertThat(chat).isEqualTo(new JsonObject().put("topic", INTERVIEW).put("mode", "chat").put("amount", 1500).put("currency", "CNY")
        .put("platformFee", 150).put("expertEarns", 1350).put("maxMinutes", 120));
    assertThat(node.http().get("/api/v1/quotes?topic=" + INTERVIEW + "&mode=video").json().getLong("amount"))
        .as("no video price of its own: its parent's").isEqualTo(2000);
    assertThat(node.http().get("/api/v1/quotes?topic=" + INTERVIEW + ".final&mode=in_person").json().getLong("amount")).isEqualTo(6000);
    assertThat(node.http().get("/api/v1/quotes?topic=pets&mode=chat").json().getLong("amount")).as("ledger.defaultPrice").isEqualTo(2000);
    for (String bad : new String[] {"?topic=Career&mode=chat", "?topic=career&mode=phone", "?mode=chat", "?topic=career"}) {
      Response refused = node.http().get("/api/v1/quotes" + bad);
      assertThat(refused.status()).as(bad).isEqualTo(400);
      assertThat(refused.errorCode()).isEqualTo("bad_request");
    }
  }

  @Test
  @DisplayName("the price quoted is the price everywhere after: the request, the expert's offer, the session, its end, the client's ledger")
  void priceAlongTheWay() {
    String topic = LEGAL + "." + Actors.uniqueTopic();
    try (Pair pair = Actors.matched(Actors.client(node), Actors.expert(node, topic), topic)) {
      JsonObject session = node.http().get("/api/v1/sessions/" + pair.sessionId(), pair.client().session().accessToken()).json();
      assertThat(session.getJsonObject("price")).isEqualTo(new JsonObject().put("amount", 5000).put("currency", "CNY").put("platformFee", 500)
          .put("expertEarns", 4500));
      assertThat(session.containsKey("payment")).as("nothing settled while it is open").isFalse();
      JsonObject join = new JsonObject().put("sessionId", pair.sessionId());
      pair.client().socket().ack("room.join", join.copy());
      pair.expert().socket().ack("room.join", join.copy());
      pair.client().socket().ack("session.end", join.copy());
      JsonObject ended = pair.expert().socket().awaitEvent("session.ended");
      assertThat(ended.getJsonObject("payment")).isEqualTo(new JsonObject().put("currency", "CNY").put("charged", 5000).put("earned", 4500));
      JsonObject after = node.http().get("/api/v1/sessions/" + pair.sessionId(), pair.expert().session().accessToken()).json();
      assertThat(after.getJsonObject("payment").getLong("earned")).isEqualTo(4500);
      JsonObject ledger = node.http().get("/api/v1/me/ledger", pair.client().session().accessToken()).json();
      assertThat(ledger.getLong("balance")).isEqualTo(10000 - 5000);
      assertThat(ledger.getJsonObject("payments").getString("provider")).isEqualTo("demo");
      assertThat(ledger.getJsonObject("payments").getBoolean("demo")).isTrue();
      assertThat(Sql.count("SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE account = 'platform' AND session_id = ?::uuid", pair.sessionId()))
          .isEqualTo(500);
    }
  }

  @Test
  @DisplayName("demo money: credited at once; the same key is the same top-up; another amount, a missing key, an absurd amount or an expert is refused")
  void demoTopUps() {
    TestClient http = node.http();
    Session client = http.signUp("client");
    Response topUp = http.post("/api/v1/wallet/top-ups", new JsonObject().put("amount", 5000), client.accessToken(), Map.of("Idempotency-Key", "t-1"));
    assertThat(topUp.status()).isEqualTo(201);
    assertThat(topUp.json().getString("status")).isEqualTo("credited");
    assertThat(topUp.json().getBoolean("demo")).isTrue();
    Response again = http.post("/api/v1/wallet/top-ups", new JsonObject().put("amount", 5000), client.accessToken(), Map.of("Idempotency-Key", "t-1"));
    assertThat(again.json().getString("id")).isEqualTo(topUp.json().getString("id"));
    assertThat(http.get("/api/v1/me", client.accessToken()).json().getLong("balance")).as("credited once").isEqualTo(15000);
    assertThat(http.post("/api/v1/wallet/top-ups", new JsonObject().put("amount", 7000), client.accessToken(), Map.of("Idempotency-Key", "t-1"))
        .status()).as("the key of another amount").isEqualTo(409);
    assertThat(http.post("/api/v1/wallet/top-ups", new JsonObject().put("amount", 5000), client.accessToken()).errorMessage())
        .contains("Idempotency-Key");
    for (Object amount : new Object[] {0, -100, 99, 1_000_001, 12.5, "100", Long.MAX_VALUE}) {
      assertThat(http.post("/api/v1/wallet/top-ups", new JsonObject().put("amount", amount), client.accessToken(),
          Map.of("Idempotency-Key", "t-" + amount)).status()).as("amount %s", amount).isEqualTo(400);
    }
    Session expert = http.signUp("expert");
    assertThat(http.post("/api/v1/wallet/top-ups", new JsonObject().put("amount", 5000), expert.accessToken(), Map.of("Idempotency-Key", "x"))
        .status()).isEqualTo(403);
    JsonObject ledger = http.get("/api/v1/me/ledger", client.accessToken()).json();
    assertThat(ledger.getJsonArray("entries").getJsonObject(0).getString("kind")).isEqualTo("top_up");
    assertThat(http.get("/api/v1/wallet/top-ups/" + topUp.json().getString("id"), client.accessToken()).json().getString("status"))
        .isEqualTo("credited");
    assertThat(http.get("/api/v1/wallet/top-ups/" + topUp.json().getString("id"), http.signUp("client").accessToken()).status())
        .as("not yours to see").isEqualTo(404);
  }

  @Test
  @DisplayName("a real provider: pending until its signed webhook says so; credited once however often, even after a failure; a forged or stale one is 401")
  void externalProvider() throws Exception {
    external = RunningNode.start(TestConfig.with(Map.of("payments.provider", "external", "payments.webhookSecret", SECRET)));
    try {
      externalProviderOn(external.http());
    } finally {
      external.close();
    }
  }

  private void externalProviderOn(TestClient http) throws Exception {
    Session client = http.signUp("client");
    JsonObject topUp = http.post("/api/v1/wallet/top-ups", new JsonObject().put("amount", 3000), client.accessToken(),
        Map.of("Idempotency-Key", "e-1")).json();
    assertThat(topUp.getString("status")).isEqualTo("pending");
    assertThat(topUp.getBoolean("demo")).isFalse();
    String id = topUp.getString("id");
    String succeeded = event("top_up.succeeded", id, 3000);
    long now = System.currentTimeMillis() / 1000;

    assertThat(webhook("evt-1", now, succeeded, "v1,forged").statusCode()).isEqualTo(401);
    assertThat(webhook("evt-1", now - 3600, succeeded, StandardWebhooks.sign(SECRET, "evt-1", now - 3600, succeeded)).statusCode())
        .as("an old, replayed one").isEqualTo(401);
    assertThat(webhook("evt-1", now, succeeded, StandardWebhooks.sign("whsec_bm90LXRoZS1zZWNyZXQ=", "evt-1", now, succeeded)).statusCode())
        .isEqualTo(401);
    assertThat(http.get("/api/v1/me", client.accessToken()).json().getLong("balance")).as("nothing credited").isEqualTo(10000);

    HttpResponse<String> confirmed = webhook("evt-1", now, succeeded, StandardWebhooks.sign(SECRET, "evt-1", now, succeeded));
    assertThat(confirmed.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(confirmed.body()).getString("status")).isEqualTo("credited");
    assertThat(webhook("evt-1", now, succeeded, StandardWebhooks.sign(SECRET, "evt-1", now, succeeded)).statusCode()).as("the same event again").isEqualTo(200);
    assertThat(webhook("evt-2", now, succeeded, StandardWebhooks.sign(SECRET, "evt-2", now, succeeded)).statusCode()).as("another event, same top-up").isEqualTo(200);
    assertThat(http.get("/api/v1/me", client.accessToken()).json().getLong("balance")).as("credited exactly once").isEqualTo(13000);
    assertThat(Sql.count("SELECT count(*) FROM payment_events WHERE top_up_id = ?::uuid", id)).isEqualTo(2);

    String wrongAmount = event("top_up.succeeded", http.post("/api/v1/wallet/top-ups", new JsonObject().put("amount", 1000), client.accessToken(),
        Map.of("Idempotency-Key", "e-2")).json().getString("id"), 999);
    assertThat(webhook("evt-3", now, wrongAmount, StandardWebhooks.sign(SECRET, "evt-3", now, wrongAmount)).statusCode()).isEqualTo(400);
    String failedTopUp = http.post("/api/v1/wallet/top-ups", new JsonObject().put("amount", 2000), client.accessToken(),
        Map.of("Idempotency-Key", "e-3")).json().getString("id");
    String failed = event("top_up.failed", failedTopUp, 2000);
    assertThat(new JsonObject(webhook("evt-4", now, failed, StandardWebhooks.sign(SECRET, "evt-4", now, failed)).body()).getString("status"))
        .isEqualTo("failed");
    String unknown = event("top_up.succeeded", UUID.randomUUID().toString(), 2000);
    assertThat(webhook("evt-5", now, unknown, StandardWebhooks.sign(SECRET, "evt-5", now, unknown)).statusCode()).isEqualTo(404);
    assertThat(http.get("/api/v1/me", client.accessToken()).json().getLong("balance")).isEqualTo(13000);
    // The provider retried the failed payment and it went through: the money was taken, so it is credited.
    String retried = event("top_up.succeeded", failedTopUp, 2000);
    assertThat(new JsonObject(webhook("evt-6", now, retried, StandardWebhooks.sign(SECRET, "evt-6", now, retried)).body()).getString("status"))
        .isEqualTo("credited");
    assertThat(webhook("evt-7", now, failed, StandardWebhooks.sign(SECRET, "evt-7", now, failed)).statusCode()).as("a late failure changes nothing")
        .isEqualTo(200);
    assertThat(http.get("/api/v1/me", client.accessToken()).json().getLong("balance")).isEqualTo(15000);
    assertThat(node.http().post("/api/v1/payments/webhooks/demo", new JsonObject(), null).status()).as("the demo takes no webhooks").isEqualTo(404);
  }

  private static String event(String type, String topUp, long amount) {
    return new JsonObject().put("type", type).put("data", new JsonObject().put("topUpId", topUp).put("amount", amount).put("currency", "CNY")).encode();
  }

  private static HttpResponse<String> webhook(String id, long timestamp, String body, String signature) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + external.node().httpPort() + "/api/v1/payments/webhooks/external"))
        .header("Content-Type", "application/json").header("webhook-id", id).header("webhook-timestamp", String.valueOf(timestamp))
        .header("webhook-signature", signature).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }
}
