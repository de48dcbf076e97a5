package io.tandem.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.TandemConfig;
import io.tandem.testing.Actors.Pair;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.Actors;
import io.tandem.testing.LedgerInvariants;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestClient.Session;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** No-shows, penalties, check-in, ratings and the ledger, end to end with short windows from configuration. */
class ReliabilityFlowTest {
  private static final String ADMIN = "root-admin";
  private static final String ADMIN_PASSWORD = "admin-password-123";
  private static TandemConfig config;
  private static RunningNode node;

  @BeforeAll
  static void start() {
    config = TestConfig.with(Map.of(
        "session.joinWindowSeconds", "2",
        "session.inPersonJoinWindowSeconds", "2",
        "session.lateGraceSeconds", "2",
        "matching.sweepIntervalMs", "200",
        "matching.offerTimeoutSeconds", "1",
        "topics.catalogue", "{\"expensive\": {\"en\": \"Expensive advice\", \"zh-CN\": \"昂贵的建议\", \"price\": 50000}}",
        "auth.admins", TestConfig.admin(ADMIN, ADMIN_PASSWORD)));
    node = RunningNode.start(config);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @AfterEach
  void ledgerBalances() {
    LedgerInvariants.check("after the test");
  }

  private static String sessionStatus(String id) {
    return Sql.string("SELECT status FROM sessions WHERE id = ?::uuid", id);
  }

  private static void join(Person person, String sessionId) {
    person.socket().ack("room.join", new JsonObject().put("sessionId", sessionId));
  }

  @Test
  @DisplayName("an expert who accepts and never joins: expert_no_show, penalised once, client refunded and re-queued first")
  void expertNoShow() {
    try (Pair pair = Actors.matched(node)) {
      String requestId = Sql.string("SELECT request_id FROM sessions WHERE id = ?::uuid", pair.sessionId());
      String topic = Sql.string("SELECT topic FROM requests WHERE id = ?::uuid", requestId);
      assertThat(pair.client().balance(node)).as("the price is held at match").isEqualTo(8000);
      join(pair.client(), pair.sessionId());
      try (Person later = Actors.client(node)) {
        String otherRequest = later.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
        JsonObject ended = pair.client().socket().awaitEvent("session.ended");
        assertThat(ended.getString("status")).isEqualTo("expert_no_show");
        assertThat(pair.expert().socket().awaitEvent("penalty").getString("kind")).isEqualTo("no_show");
        assertThat(pair.client().socket().awaitEvent("request.status", s -> requestId.equals(s.getString("requestId"))
            && "queued".equals(s.getString("status")))).isNotNull();

        assertThat(sessionStatus(pair.sessionId())).isEqualTo("expert_no_show");
        assertThat(Sql.count("SELECT count(*) FROM penalties WHERE user_id = ?::uuid AND session_id = ?::uuid AND kind = 'no_show'"
            + " AND points = 5 AND waived", pair.expert().id(), pair.sessionId())).as("first offence: recorded, waived").isEqualTo(1);
        assertThat(pair.client().balance(node)).as("refunded").isEqualTo(10000);
        assertThat(Sql.string("SELECT status FROM requests WHERE id = ?::uuid", requestId)).isIn("queued", "offered");
        int position = node.http().get("/api/v1/requests/" + requestId, pair.client().session().accessToken()).json().getInteger("position");
        assertThat(position).as("back at the front, ahead of the request made after it").isEqualTo(1);

        try (Person another = Actors.expert(node, topic)) {
          JsonObject offer = another.socket().awaitEvent("offer", o -> requestId.equals(o.getString("requestId")));
          assertThat(offer).isNotNull();
        }
        assertThat(Sql.count("SELECT count(*) FROM offers WHERE request_id = ?::uuid AND expert_id = ?::uuid", requestId, pair.expert().id()))
            .as("never offered again to the expert who did not show").isEqualTo(1);
        later.socket().ack("request.cancel", new JsonObject().put("requestId", otherRequest));
      }
    }
  }

  @Test
  @DisplayName("a client who never joins: client_no_show; the first in 30 days is forgiven, fee and all; the next pays the fee to the expert")
  void clientNoShow() {
    Person client = Actors.client(node);
    String firstTopic = Actors.uniqueTopic();
    String secondTopic = Actors.uniqueTopic();
    try (Person firstExpert = Actors.expert(node, firstTopic)) {
      Pair first = Actors.matched(client, firstExpert, firstTopic);
      join(first.expert(), first.sessionId());
      JsonObject ended = first.expert().socket().awaitEvent("session.ended");
      assertThat(ended.getString("status")).isEqualTo("client_no_show");
      assertThat(ended.getString("endedBy")).as("the one who did not show").isEqualTo(client.id());
      assertThat(ended.getJsonObject("payment").getLong("charged")).as("first offence: waived, no fee").isZero();
      assertThat(client.balance(node)).isEqualTo(10000);
      assertThat(Sql.count("SELECT count(*) FROM penalties WHERE user_id = ?::uuid AND kind = 'no_show' AND waived", client.id())).isEqualTo(1);
    }
    try (Pair second = Actors.matched(client, Actors.expert(node, secondTopic), secondTopic)) {
      join(second.expert(), second.sessionId());
      JsonObject ended = second.expert().socket().awaitEvent("session.ended");
      assertThat(ended.getString("status")).isEqualTo("client_no_show");
      assertThat(ended.getJsonObject("payment").getLong("charged")).as("half of 2000").isEqualTo(1000);
      assertThat(ended.getJsonObject("payment").getLong("earned")).isEqualTo(1000);
      assertThat(client.balance(node)).isEqualTo(10000 - 1000);
      assertThat(second.expert().balance(node)).isEqualTo(1000);
      Response ledger = node.http().get("/api/v1/me/ledger", client.session().accessToken());
      assertThat(ledger.json().getLong("balance")).isEqualTo(9000);
      assertThat(ledger.json().getString("currency")).isEqualTo("CNY");
      assertThat(ledger.json().getJsonArray("entries").stream().map(e -> ((JsonObject) e).getString("kind")).toList())
          .contains("initial", "hold", "release", "no_show_fee");
      assertThat(node.http().get("/api/v1/me/ledger", second.expert().session().accessToken()).json().getJsonArray("entries")
          .getJsonObject(0).getString("kind")).isEqualTo("compensation");
      assertThat(Sql.count("SELECT count(*) FROM penalties WHERE user_id = ?::uuid AND kind = 'no_show'", client.id())).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("neither joins: both_no_show, the client refunded, both recorded")
  void bothNoShow() {
    try (Pair pair = Actors.matched(node)) {
      assertThat(pair.client().socket().awaitEvent("session.ended").getString("status")).isEqualTo("both_no_show");
      assertThat(pair.client().balance(node)).isEqualTo(10000);
      assertThat(Sql.count("SELECT count(*) FROM penalties WHERE session_id = ?::uuid AND kind = 'no_show'", pair.sessionId())).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("a join after the window but before the close is late; completing pays the expert; ratings are Bayesian, once, participants only")
  void lateJoinCompletionAndRatings() {
    try (Pair pair = Actors.matched(node)) {
      join(pair.client(), pair.sessionId());
      Poll.until("the join window has passed", Duration.ofSeconds(5),
          () -> Sql.count("SELECT count(*) FROM sessions WHERE id = ?::uuid AND now() > join_deadline", pair.sessionId()) == 1);
      join(pair.expert(), pair.sessionId());
      assertThat(pair.expert().socket().awaitEvent("penalty").getString("kind")).isEqualTo("late");
      assertThat(sessionStatus(pair.sessionId())).isEqualTo("active");

      String path = "/api/v1/sessions/" + pair.sessionId() + "/ratings";
      assertThat(node.http().post(path, new JsonObject().put("stars", 5), pair.client().session().accessToken()).status())
          .as("not completed yet").isEqualTo(409);
      pair.client().socket().ack("session.end", new JsonObject().put("sessionId", pair.sessionId()));
      assertThat(sessionStatus(pair.sessionId())).isEqualTo("completed");
      assertThat(pair.expert().balance(node)).as("the held price is paid to the expert, less the platform's 10 %").isEqualTo(1800);
      assertThat(pair.client().balance(node)).isEqualTo(8000);
      JsonObject hold = node.http().get("/api/v1/me/ledger", pair.client().session().accessToken()).json().getJsonArray("entries").stream()
          .map(JsonObject.class::cast).filter(e -> "hold".equals(e.getString("kind"))).findFirst().orElseThrow();
      assertThat(hold.getString("settlement")).as("the client sees it paid").isEqualTo("paid");

      Session outsider = node.http().signUp("client");
      assertThat(node.http().post(path, new JsonObject().put("stars", 1), outsider.accessToken()).status()).isEqualTo(403);
      assertThat(node.http().post(path, new JsonObject().put("stars", 6), pair.client().session().accessToken()).status()).isEqualTo(400);
      Response rated = node.http().post(path, new JsonObject().put("stars", 5).put("comment", "Clear and kind"), pair.client().session().accessToken());
      assertThat(rated.status()).isEqualTo(201);
      assertThat(node.http().post(path, new JsonObject().put("stars", 4), pair.client().session().accessToken()).status())
          .as("once").isEqualTo(409);
      JsonObject rating = node.http().get("/api/v1/experts/" + pair.expert().id(), outsider.accessToken()).json().getJsonObject("rating");
      assertThat(rating.getInteger("count")).isEqualTo(1);
      assertThat(rating.getDouble("average")).as("(4.0 x 5 + 5) / 6").isEqualTo(4.17);

      // Both see the session in their history, with the peer and the client's rating.
      JsonObject clientsView = node.http().get("/api/v1/me/sessions", pair.client().session().accessToken()).json()
          .getJsonArray("sessions").getJsonObject(0);
      assertThat(clientsView.getString("id")).isEqualTo(pair.sessionId());
      assertThat(clientsView.getString("status")).isEqualTo("completed");
      assertThat(clientsView.getString("role")).isEqualTo("client");
      assertThat(clientsView.getJsonObject("peer").getString("id")).isEqualTo(pair.expert().id());
      assertThat(clientsView.getString("startedAt")).isNotNull();
      assertThat(clientsView.getJsonObject("rating").getInteger("stars")).isEqualTo(5);
      JsonObject expertsView = node.http().get("/api/v1/me/sessions?limit=1", pair.expert().session().accessToken()).json()
          .getJsonArray("sessions").getJsonObject(0);
      assertThat(expertsView.getString("role")).isEqualTo("expert");
      assertThat(expertsView.getJsonObject("peer").getString("id")).isEqualTo(pair.client().id());
      assertThat(expertsView.getJsonObject("rating").getString("comment")).isEqualTo("Clear and kind");
      assertThat(node.http().get("/api/v1/me/sessions", outsider.accessToken()).json().getJsonArray("sessions")).isEmpty();
      assertThat(node.http().get("/api/v1/me/sessions?limit=0", outsider.accessToken()).status()).isEqualTo(400);
    }
  }

  @Test
  @DisplayName("missed offers cost a point each, the first waived, and the third in a row sets the expert offline")
  void missedOffers() {
    String topic = Actors.uniqueTopic();
    List<Person> clients = new ArrayList<>();
    try (Person expert = Actors.expert(node, topic)) {
      for (int i = 0; i < 3; i++) {
        clients.add(Actors.client(node));
        clients.get(i).socket().ack("request.create", Actors.request(topic, "chat"));
      }
      for (int i = 0; i < 3; i++) {
        expert.socket().awaitEvent("offer");
        assertThat(expert.socket().awaitEvent("offer.revoked").getString("reason")).isEqualTo("timeout");
      }
      // Not the greeting's "offline" of a connection opened before going online: the one that says why.
      JsonObject offline = expert.socket().awaitEvent("presence.status", s -> "offline".equals(s.getString("status")) && s.containsKey("reason"));
      assertThat(offline.getString("reason")).isEqualTo("missed_offers");
      assertThat(Sql.string("SELECT status FROM expert_presence WHERE expert_id = ?::uuid", expert.id())).isEqualTo("offline");
      assertThat(Sql.count("SELECT count(*) FROM penalties WHERE user_id = ?::uuid AND kind = 'offer_timeout'", expert.id())).isEqualTo(3);
      assertThat(Sql.count("SELECT count(*) FROM penalties WHERE user_id = ?::uuid AND kind = 'offer_timeout' AND waived", expert.id())).isEqualTo(1);
      JsonObject record = node.http().get("/api/v1/me/penalties", expert.session().accessToken()).json();
      assertThat(record.getJsonArray("penalties")).hasSize(3);
      assertThat(record.getJsonObject("reliability").getDouble("score")).isEqualTo(0.8);
      Sql.cancelWaiting(topic);
    } finally {
      clients.forEach(Person::close);
    }
  }

  @Test
  @DisplayName("a suspended expert gets no offers and cannot go online until the suspension ends")
  void suspension() {
    String topic = Actors.uniqueTopic();
    try (Person expert = Actors.expert(node, topic);
         Person client = Actors.client(node)) {
      Sql.update("UPDATE accounts SET suspended_until = now() + interval '1 hour' WHERE id = ?::uuid", expert.id());
      String requestId = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      assertThat(expert.socket().staysWithout("offer", Duration.ofMillis(1500))).isTrue();
      assertThat(expert.socket().call("presence.online").getString("code")).isEqualTo("forbidden");
      assertThat(expert.socket().awaitEvent("presence.status", s -> "suspended".equals(s.getString("status"))).getString("suspendedUntil"))
          .isNotBlank();
      Sql.update("UPDATE accounts SET suspended_until = now() - interval '1 second' WHERE id = ?::uuid", expert.id());
      expert.socket().ack("presence.online", new JsonObject());
      assertThat(expert.socket().awaitEvent("offer").getString("requestId")).isEqualTo(requestId);
      client.socket().ack("request.cancel", new JsonObject().put("requestId", requestId));
    }
  }

  @Test
  @DisplayName("in person, check-in within session.checkinRadiusMeters of the meeting point joins; farther is refused with the distance")
  void checkIn() {
    String topic = Actors.uniqueTopic();
    try (Person expert = Actors.expert(node, topic, Actors.SHANGHAI_LAT, Actors.SHANGHAI_LNG, 1, "in_person");
         Person client = Actors.client(node)) {
      client.socket().ack("request.create", Actors.request(topic, "in_person").put("maxDistanceKm", 10));
      String offerId = expert.socket().awaitEvent("offer").getString("offerId");
      String sessionId = expert.socket().ack("offer.accept", new JsonObject().put("offerId", offerId)).getString("sessionId");
      JsonObject far = client.socket().call("session.checkin", new JsonObject().put("sessionId", sessionId)
          .put("location", new JsonObject().put("lat", Actors.SHANGHAI_LAT + 0.01).put("lng", Actors.SHANGHAI_LNG)));
      assertThat(far.getString("code")).isEqualTo("bad_request");
      assertThat(far.getString("message")).contains("m from the meeting point");
      // The numbers behind the message, for apps that say it in their own language.
      assertThat(far.getInteger("distanceMeters")).isBetween(1100, 1125);
      assertThat(far.getInteger("radiusMeters")).isPositive().isLessThan(1100);
      // Where to go: the client is shown the meeting point (the expert's place) before checking in.
      JsonObject described = node.http().get("/api/v1/sessions/" + sessionId, client.session().accessToken()).json();
      assertThat(described.getString("brief")).as("the question, as the expert read it in the offer").isEqualTo("Need help with " + topic);
      JsonObject meetingPoint = described.getJsonObject("meetingPoint");
      assertThat(meetingPoint.getDouble("lat")).isEqualTo(Actors.SHANGHAI_LAT);
      assertThat(meetingPoint.getDouble("lng")).isEqualTo(Actors.SHANGHAI_LNG);
      JsonObject near = new JsonObject().put("lat", Actors.SHANGHAI_LAT + 0.001).put("lng", Actors.SHANGHAI_LNG);
      assertThat(client.socket().ack("session.checkin", new JsonObject().put("sessionId", sessionId).put("location", near))
          .getBoolean("checkedIn")).isTrue();
      expert.socket().ack("session.checkin", new JsonObject().put("sessionId", sessionId).put("location", near));
      assertThat(sessionStatus(sessionId)).isEqualTo("active");
      expert.socket().ack("session.end", new JsonObject().put("sessionId", sessionId));
    }
  }

  @Test
  @DisplayName("a client who cannot afford the topic's price is told so with conflict")
  void cannotAfford() {
    Session client = node.http().signUp("client");
    Response refused = node.http().post("/api/v1/requests", Actors.request("expensive.advice", "chat"), client.accessToken());
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.errorMessage()).contains("CNY 500.00").contains("CNY 100.00");
    JsonObject error = refused.json().getJsonObject("error");
    assertThat(error.getString("reason")).isEqualTo("insufficient_funds");
    assertThat(error.getJsonObject("price").getLong("amount")).isEqualTo(50000);
    assertThat(error.getLong("balance")).isEqualTo(10000);
  }

  @Test
  @DisplayName("an administrator from configuration waives a penalty; nobody else may, and nobody signs up as admin")
  void adminWaives() {
    try (Pair pair = Actors.matched(node)) {
      pair.client().socket().awaitEvent("session.ended");
      String penalty = Sql.string("SELECT id FROM penalties WHERE session_id = ?::uuid AND user_id = ?::uuid", pair.sessionId(), pair.expert().id());
      String admin = node.http().logIn(ADMIN, ADMIN_PASSWORD);
      // As if it were a later offence that stood and suspended them (a first offence is waived when recorded).
      Sql.update("UPDATE penalties SET waived = false WHERE id = ?::uuid", penalty);
      Sql.update("UPDATE accounts SET suspended_until = now() + interval '1 hour' WHERE id = ?::uuid", pair.expert().id());
      JsonObject reason = new JsonObject().put("reason", "the expert's phone died; verified");
      assertThat(node.http().post("/api/v1/admin/penalties/" + penalty + "/waive", reason, pair.expert().session().accessToken()).status())
          .isEqualTo(403);
      Response waived = node.http().post("/api/v1/admin/penalties/" + penalty + "/waive", reason, admin);
      assertThat(waived.status()).isEqualTo(200);
      assertThat(waived.json().getBoolean("waived")).isTrue();
      assertThat(Sql.count("SELECT count(*) FROM accounts WHERE id = ?::uuid AND suspended_until IS NOT NULL", pair.expert().id()))
          .as("a suspension the remaining points do not reach is lifted").isZero();
      assertThat(node.http().post("/api/v1/accounts", new JsonObject().put("username", "admin2").put("password", "whatever-123")
          .put("role", "admin").put("displayName", "Mallory")).status()).isEqualTo(400);
    }
  }
}
