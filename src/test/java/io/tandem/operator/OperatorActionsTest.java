package io.tandem.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors.Pair;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.Actors;
import io.tandem.testing.LedgerInvariants;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestClient;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Operators put things right, each action recorded with who, when and why; nobody else may. */
class OperatorActionsTest {
  private static final String ADMIN = "ops-admin";
  private static final String PASSWORD = "ops-password-123";
  private static RunningNode node;
  private static TestClient http;
  private static String admin;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.with(Map.of(
        "auth.admins", TestConfig.admin(ADMIN, PASSWORD),
        "session.joinWindowSeconds", "1",
        "session.lateGraceSeconds", "0",
        "matching.sweepIntervalMs", "200")));
    http = node.http();
    admin = http.logIn(ADMIN, PASSWORD);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @AfterEach
  void ledgerBalances() {
    LedgerInvariants.check("after the test");
  }

  private static Response act(String path, JsonObject body, String key) {
    return key == null ? http.post(path, body, admin) : http.post(path, body, admin, Map.of("Idempotency-Key", key));
  }

  private static JsonObject reason(String why) {
    return new JsonObject().put("reason", why);
  }

  /** A completed session of 2000 (the expert earned 1800). */
  private static Pair completed() {
    Pair pair = Actors.matched(node);
    JsonObject session = new JsonObject().put("sessionId", pair.sessionId());
    pair.client().socket().ack("room.join", session.copy());
    pair.expert().socket().ack("room.join", session.copy());
    pair.client().socket().ack("session.end", session.copy());
    return pair;
  }

  @Test
  @DisplayName("a refund in part, then the rest, never more than was paid; the expert and the platform give it back in proportion; retries are the same refund")
  void refunds() {
    try (Pair pair = completed()) {
      String path = "/api/v1/admin/sessions/" + pair.sessionId() + "/refund";
      assertThat(http.post(path, new JsonObject().put("amount", 500).put("reason", "x"), pair.client().session().accessToken(),
          Map.of("Idempotency-Key", "r-0")).status()).as("only administrators").isEqualTo(403);
      assertThat(act(path, new JsonObject().put("amount", 500).put("reason", "poor audio"), null).status()).as("no key").isEqualTo(400);

      Response first = act(path, new JsonObject().put("amount", 500).put("reason", "poor audio"), "r-1");
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.json().getLong("fromExpert")).isEqualTo(450);
      assertThat(first.json().getLong("fromPlatform")).isEqualTo(50);
      Response retried = act(path, new JsonObject().put("amount", 500).put("reason", "poor audio"), "r-1");
      assertThat(retried.json()).as("a retry is answered as the refund it repeats").isEqualTo(first.json());
      assertThat(act(path, new JsonObject().put("amount", 400).put("reason", "poor audio"), "r-1").status())
          .as("the key for another amount").isEqualTo(409);
      assertThat(act("/api/v1/admin/users/" + pair.client().id() + "/credits", new JsonObject().put("amount", 500).put("reason", "x"), "r-1")
          .status()).as("the key for another action").isEqualTo(409);
      assertThat(pair.client().balance(node)).isEqualTo(8000 + 500);
      assertThat(pair.expert().balance(node)).isEqualTo(1800 - 450);

      Response tooMuch = act(path, new JsonObject().put("amount", 1501).put("reason", "all of it"), "r-2");
      assertThat(tooMuch.status()).isEqualTo(409);
      assertThat(tooMuch.errorMessage()).contains("at most CNY 15.00");
      assertThat(tooMuch.json().getJsonObject("error").getLong("refundable")).isEqualTo(1500);
      assertThat(act(path, new JsonObject().put("amount", 1500).put("reason", "all of it"), "r-3").status()).isEqualTo(200);
      assertThat(pair.client().balance(node)).isEqualTo(10000);
      assertThat(pair.expert().balance(node)).isZero();
      assertThat(act(path, new JsonObject().put("amount", 1).put("reason", "more"), "r-4").status()).isEqualTo(409);
      for (Object amount : new Object[] {0, -5, "10", 2.5}) {
        assertThat(act(path, new JsonObject().put("amount", amount).put("reason", "x"), "r-bad-" + amount).status()).isEqualTo(400);
      }

      JsonArray entries = http.get("/api/v1/me/ledger", pair.client().session().accessToken()).json().getJsonArray("entries");
      JsonObject refund = entries.stream().map(JsonObject.class::cast).filter(e -> "refund".equals(e.getString("kind"))).findFirst().orElseThrow();
      assertThat(refund.getString("note")).as("the client sees why").isIn("poor audio", "all of it");
      JsonArray audit = http.get("/api/v1/admin/audit?subject=" + pair.sessionId(), admin).json().getJsonArray("actions");
      assertThat(audit.stream().map(a -> ((JsonObject) a).getString("action"))).containsExactly("session.refund", "session.refund");
      assertThat(audit.getJsonObject(0).getJsonObject("actor").getString("username")).isEqualTo(ADMIN);
    }
  }

  @Test
  @DisplayName("a session still live is not refunded; ending it as expert_left refunds and requeues by the table; ending it again is a conflict")
  void endSession() {
    try (Pair pair = Actors.matched(node)) {
      JsonObject session = new JsonObject().put("sessionId", pair.sessionId());
      pair.client().socket().ack("room.join", session.copy());
      pair.expert().socket().ack("room.join", session.copy());
      assertThat(act("/api/v1/admin/sessions/" + pair.sessionId() + "/refund", new JsonObject().put("amount", 100).put("reason", "x"), "live")
          .status()).isEqualTo(409);
      String end = "/api/v1/admin/sessions/" + pair.sessionId() + "/end";
      assertThat(act(end, new JsonObject().put("outcome", "active").put("reason", "x"), null).status()).isEqualTo(400);
      Response ended = act(end, new JsonObject().put("outcome", "expert_left").put("reason", "the expert said they had to go"), null);
      assertThat(ended.status()).isEqualTo(200);
      assertThat(ended.json().getJsonObject("payment").getLong("charged")).isZero();
      JsonObject event = pair.client().socket().awaitEvent("session.ended");
      assertThat(event.getString("status")).isEqualTo("expert_left");
      assertThat(event.getString("reason")).isEqualTo("operator");
      assertThat(pair.client().socket().awaitEvent("request.status", s -> "queued".equals(s.getString("status")))).isNotNull();
      assertThat(pair.client().balance(node)).isEqualTo(10000);
      assertThat(act(end, new JsonObject().put("outcome", "completed").put("reason", "again"), null).status()).isEqualTo(409);
      assertThat(act("/api/v1/admin/sessions/" + java.util.UUID.randomUUID() + "/end", new JsonObject().put("outcome", "completed")
          .put("reason", "x"), null).status()).isEqualTo(404);
      Sql.cancelWaiting(Sql.string("SELECT topic FROM sessions WHERE id = ?::uuid", pair.sessionId()));
    }
  }

  @Test
  @DisplayName("a waiting request cancelled by an operator: the client is told why, the offer's expert too; a second cancel is a conflict")
  void cancelRequest() {
    String topic = Actors.uniqueTopic();
    try (Person client = Actors.client(node);
         Person expert = Actors.expert(node, topic)) {
      String request = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      expert.socket().awaitEvent("offer");
      Response cancelled = act("/api/v1/admin/requests/" + request + "/cancel", reason("stuck in the queue"), null);
      assertThat(cancelled.status()).isEqualTo(200);
      assertThat(client.socket().awaitEvent("request.status", s -> "cancelled".equals(s.getString("status"))).getString("reason"))
          .isEqualTo("operator");
      assertThat(expert.socket().awaitEvent("offer.revoked").getString("reason")).isEqualTo("cancelled");
      assertThat(act("/api/v1/admin/requests/" + request + "/cancel", reason("again"), null).status()).isEqualTo(409);
      assertThat(act("/api/v1/admin/requests/" + request + "/cancel", new JsonObject(), null).status()).as("a reason is required").isEqualTo(400);
    }
  }

  @Test
  @DisplayName("a credit from the platform once per key; a suspended expert goes offline, a suspended client's request is cancelled; reinstated; found by name")
  void creditsSuspensionsAndLookUp() {
    String topic = Actors.uniqueTopic();
    try (Person client = Actors.client(node);
         Person expert = Actors.expert(node, topic)) {
      String credits = "/api/v1/admin/users/" + client.id() + "/credits";
      assertThat(act(credits, new JsonObject().put("amount", 700).put("reason", "sorry for the wait"), "c-1").status()).isEqualTo(200);
      assertThat(act(credits, new JsonObject().put("amount", 700).put("reason", "sorry for the wait"), "c-1").status()).isEqualTo(200);
      assertThat(act("/api/v1/admin/users/" + expert.id() + "/credits", new JsonObject().put("amount", 700).put("reason", "x"), "c-1").status())
          .as("the key for someone else").isEqualTo(409);
      assertThat(client.balance(node)).as("once").isEqualTo(10700);

      String suspend = "/api/v1/admin/users/" + expert.id() + "/suspension";
      Response twoHours = act(suspend, new JsonObject().put("hours", 2).put("reason", "rude"), null);
      assertThat(twoHours.status()).isEqualTo(200);
      assertThat(act(suspend, new JsonObject().put("hours", 1).put("reason", "also late"), null).json().getString("suspendedUntil"))
          .as("a shorter suspension keeps the longer one, and says so").isEqualTo(twoHours.json().getString("suspendedUntil"));
      assertThat(expert.socket().awaitEvent("presence.status", s -> "suspended".equals(s.getString("status")))).isNotNull();
      assertThat(Sql.string("SELECT status FROM expert_presence WHERE expert_id = ?::uuid", expert.id())).isEqualTo("offline");
      String request = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      assertThat(act("/api/v1/admin/users/" + client.id() + "/suspension", new JsonObject().put("hours", 0).put("reason", "x"), null)
          .status()).isEqualTo(400);
      assertThat(act("/api/v1/admin/users/" + client.id() + "/suspension", new JsonObject().put("hours", 1).put("reason", "chargeback"), null)
          .status()).isEqualTo(200);
      assertThat(client.socket().awaitEvent("request.status", s -> "cancelled".equals(s.getString("status"))).getString("requestId"))
          .isEqualTo(request);
      JsonObject refused = client.socket().call("request.create", Actors.request(topic, "chat"));
      assertThat(refused.getString("code")).isEqualTo("forbidden");
      assertThat(refused.getString("reason")).as("apps say it in their own words, with the time").isEqualTo("suspended");
      assertThat(refused.getString("suspendedUntil")).isNotBlank();
      assertThat(act("/api/v1/admin/users/" + client.id() + "/reinstate", reason("sorted out"), null).status()).isEqualTo(200);
      String again = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      client.socket().ack("request.cancel", new JsonObject().put("requestId", again));

      String name = client.session().username();
      JsonArray found = http.get("/api/v1/admin/users?query=" + name.substring(0, 10).toUpperCase(), admin).json().getJsonArray("users");
      assertThat(found.stream().map(u -> ((JsonObject) u).getString("id"))).contains(client.id());
      assertThat(http.get("/api/v1/admin/users?query=%25", admin).json().getJsonArray("users")).as("% is a character, not a wildcard").isEmpty();
      JsonObject person = http.get("/api/v1/admin/users/" + client.id(), admin).json();
      assertThat(person.getLong("balance")).isEqualTo(10700);
      assertThat(person.getJsonArray("ledger").getJsonObject(0).getString("kind")).isEqualTo("credit");
      assertThat(person.getJsonArray("audit").stream().map(a -> ((JsonObject) a).getString("action")))
          .containsExactly("user.reinstate", "user.suspend", "wallet.credit");
      assertThat(act("/api/v1/admin/users/" + client.id() + "/reinstate", reason("again"), null).status())
          .as("nobody to reinstate: the same answer").isEqualTo(200);
      assertThat(http.get("/api/v1/admin/users/" + client.id(), admin).json().getJsonArray("audit")).as("and nothing recorded").hasSize(3);
      assertThat(http.get("/api/v1/admin/users/" + client.id(), client.session().accessToken()).status()).isEqualTo(403);
    }
  }

  @Test
  @DisplayName("waiving a client's no-show gives back what is left of their fee (after a refund in part), once; an operator's suspension outlives the waiver")
  void waiverRefundsTheFee() {
    Person client = Actors.client(node);
    // The first no-show in 30 days is forgiven, fee and all: the second is charged.
    String charged = null;
    for (int i = 0; i < 2; i++) {
      String topic = Actors.uniqueTopic();
      try (Person expert = Actors.expert(node, topic)) {
        Pair pair = Actors.matched(client, expert, topic);
        pair.expert().socket().ack("room.join", new JsonObject().put("sessionId", pair.sessionId()));
        assertThat(pair.expert().socket().awaitEvent("session.ended").getString("status")).isEqualTo("client_no_show");
        charged = pair.sessionId();
      }
    }
    assertThat(client.balance(node)).isEqualTo(9000);
    String refund = "/api/v1/admin/sessions/" + charged + "/refund";
    assertThat(act(refund, new JsonObject().put("amount", 400).put("reason", "partly our fault"), "fee-1").json().getLong("fromExpert"))
        .as("the fee went to the expert: they give it back").isEqualTo(400);
    assertThat(act("/api/v1/admin/users/" + client.id() + "/suspension", new JsonObject().put("hours", 3).put("reason", "chargeback"), null)
        .status()).isEqualTo(200);

    String penalty = Sql.string("SELECT id::text FROM penalties WHERE user_id = ?::uuid AND NOT waived", client.id());
    Response waived = act("/api/v1/admin/penalties/" + penalty + "/waive", reason("the app crashed; verified"), null);
    assertThat(waived.status()).isEqualTo(200);
    assertThat(waived.json().getLong("feeRefunded")).as("the fee less what the refund gave back").isEqualTo(600);
    assertThat(client.balance(node)).isEqualTo(10000);
    Response again = act("/api/v1/admin/penalties/" + penalty + "/waive", reason("again"), null);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getLong("feeRefunded")).as("once").isZero();
    assertThat(client.balance(node)).isEqualTo(10000);
    assertThat(act(refund, new JsonObject().put("amount", 1).put("reason", "more"), "fee-2").status()).as("nothing left to refund").isEqualTo(409);
    assertThat(http.get("/api/v1/admin/audit?subject=" + penalty, admin).json().getJsonArray("actions")).as("one waiver recorded").hasSize(1);

    assertThat(http.get("/api/v1/admin/users/" + client.id(), admin).json().getString("suspendedUntil"))
        .as("the operator's suspension stands, whatever the points").isNotNull();
    assertThat(act("/api/v1/admin/users/" + client.id() + "/reinstate", reason("paid back"), null).status()).isEqualTo(200);
    client.close();
  }
}
