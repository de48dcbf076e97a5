package io.tandem.matching;

import io.tandem.kernel.Topic;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.Actors;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static io.tandem.testing.Actors.SHANGHAI_LAT;
import static io.tandem.testing.Actors.SHANGHAI_LNG;
import static org.assertj.core.api.Assertions.assertThat;

/** Matching end to end on one node, over real WebSockets and HTTP, against the real database. */
class MatchingFlowTest {
  private static RunningNode node;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.with(Map.of(
        "matching.offerTimeoutSeconds", "2",
        "matching.parentTopicAfterSeconds", "0")));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  @DisplayName("HTTP and WebSocket answer the same shape about a request: its id as both id and requestId")
  void sameShapeOverHttpAndWebSocket() {
    try (Person viaSocket = Actors.client(node);
         Person viaHttp = Actors.client(node)) {
      JsonObject overSocket = viaSocket.socket().ack("request.create", Actors.request(Actors.uniqueTopic(), "chat"));
      JsonObject overHttp = node.http().post("/api/v1/requests", Actors.request(Actors.uniqueTopic(), "chat"), viaHttp.session().accessToken()).json();
      for (JsonObject created : List.of(overSocket, overHttp)) {
        assertThat(created.getString("id")).isNotNull().isEqualTo(created.getString("requestId"));
        assertThat(created.fieldNames()).contains("status", "position", "etaSeconds", "expiresAt", "price");
      }
      JsonObject read = node.http().get("/api/v1/requests/" + overSocket.getString("id"), viaSocket.session().accessToken()).json();
      assertThat(read.getString("requestId")).isEqualTo(overSocket.getString("id"));
      JsonObject cancelledOverSocket = viaHttp.socket().ack("request.cancel", new JsonObject().put("requestId", overHttp.getString("id")));
      JsonObject cancelledOverHttp = node.http().delete("/api/v1/requests/" + overSocket.getString("id"), viaSocket.session().accessToken()).json();
      assertThat(cancelledOverSocket.getString("requestId")).isEqualTo(overHttp.getString("id"));
      assertThat(cancelledOverHttp.getString("requestId")).isEqualTo(overSocket.getString("id"));
      assertThat(List.of(cancelledOverSocket.getString("status"), cancelledOverHttp.getString("status"))).containsOnly("cancelled");
    }
  }

  @Test
  @DisplayName("an expert on career near Shanghai is offered a nearby career.interview request; accepting readies the session for both")
  void offerAcceptSessionReady() {
    try (Person expert = Actors.expert(node, "career", SHANGHAI_LAT, SHANGHAI_LNG, 1, "chat", "video");
         Person client = Actors.client(node)) {
      JsonObject created = client.socket().ack("request.create", Actors.request("career.interview", "video"));
      String requestId = created.getString("requestId");
      assertThat(created.getString("status")).isIn("queued", "offered");
      assertThat(created.getInteger("position")).isEqualTo(1);
      assertThat(created.getLong("etaSeconds")).isPositive();
      assertThat(Instant.parse(created.getString("expiresAt"))).isAfter(Instant.now());

      JsonObject offer = expert.socket().awaitEvent("offer");
      assertThat(offer.getString("requestId")).isEqualTo(requestId);
      assertThat(offer.getString("topic")).isEqualTo("career.interview");
      assertThat(offer.getString("mode")).isEqualTo("video");
      assertThat(offer.getDouble("distanceKm")).isBetween(0.5, 3.0);
      assertThat(offer.getString("brief")).isEqualTo("Need help with career.interview");
      assertThat(offer.getJsonObject("client").getString("displayName")).isEqualTo("Test client");
      assertThat(Instant.parse(offer.getString("expiresAt"))).isAfter(Instant.now());
      assertThat(offer.getLong("expiresInMs")).as("the time left, at most matching.offerTimeoutSeconds (2 s here)").isBetween(1L, 2000L);
      assertThat(Sql.count("SELECT count(*) FROM requests r JOIN offers o ON o.request_id = r.id WHERE r.id = ?::uuid"
              + " AND o.created_at = r.created_at", requestId))
          .as("the request and its first offer were written in one transaction (one commit): they share its now()").isEqualTo(1);
      assertThat(client.socket().awaitEvent("request.status", s -> "offered".equals(s.getString("status"))).getString("requestId"))
          .isEqualTo(requestId);

      String sessionId = expert.socket().ack("offer.accept", new JsonObject().put("offerId", offer.getString("offerId"))).getString("sessionId");
      assertThat(Sql.count("SELECT count(*) FROM expert_presence p JOIN offers o ON o.expert_id = p.expert_id WHERE o.id = ?::uuid"
              + " AND p.idle_since = o.resolved_at", offer.getString("offerId")))
          .as("for the fairness ranking the expert is idle again from the answer, written in its transaction").isEqualTo(1);

      JsonObject matched = client.socket().awaitEvent("request.matched");
      assertThat(matched.getString("requestId")).isEqualTo(requestId);
      assertThat(matched.getString("sessionId")).isEqualTo(sessionId);
      assertThat(matched.getJsonObject("expert").getString("id")).isEqualTo(expert.id());
      assertThat(matched.getJsonObject("expert").getDouble("rating")).as("an unrated expert shows the Bayesian prior").isEqualTo(4.0);
      assertThat(Instant.parse(matched.getString("joinDeadline"))).isAfter(Instant.now());

      JsonObject clientReady = client.socket().awaitEvent("session.ready");
      JsonObject expertReady = expert.socket().awaitEvent("session.ready");
      assertThat(clientReady.getString("sessionId")).isEqualTo(sessionId);
      assertThat(clientReady.getJsonObject("peer").getString("role")).isEqualTo("expert");
      assertThat(expertReady.getJsonObject("peer").getString("id")).isEqualTo(client.id());
      assertThat(expertReady.getString("mode")).isEqualTo("video");
      assertThat(expertReady.getJsonArray("iceServers").getJsonObject(0).getJsonArray("urls").getString(0))
          .as("ICE servers come from session.iceServers").startsWith("stun:");

      Response view = node.http().get("/api/v1/requests/" + requestId, client.session().accessToken());
      assertThat(view.json().getString("status")).isEqualTo("matched");
      assertThat(view.json().getString("sessionId")).isEqualTo(sessionId);
      assertThat(Sql.string("SELECT status FROM sessions WHERE id = ?::uuid", sessionId)).isEqualTo("waiting");

      assertThat(expert.socket().call("offer.accept", new JsonObject().put("offerId", offer.getString("offerId"))).getString("code"))
          .as("an offer is accepted once").isEqualTo("conflict");
    }
  }

  @Test
  @DisplayName("a declined offer moves on to the next expert, never back to the one who declined")
  void declineMovesOn() {
    String topic = Actors.uniqueTopic();
    try (Person nearer = Actors.expert(node, topic, SHANGHAI_LAT + 0.01, SHANGHAI_LNG + 0.01, 1);
         Person farther = Actors.expert(node, topic, SHANGHAI_LAT + 0.3, SHANGHAI_LNG + 0.3, 1);
         Person client = Actors.client(node)) {
      String requestId = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      JsonObject first = nearer.socket().awaitEvent("offer");
      nearer.socket().ack("offer.decline", new JsonObject().put("offerId", first.getString("offerId")).put("reason", "busy"));
      JsonObject second = farther.socket().awaitEvent("offer");
      assertThat(second.getString("requestId")).isEqualTo(requestId);
      assertThat(nearer.socket().staysWithout("offer", Duration.ofMillis(500))).isTrue();
      assertThat(Sql.string("SELECT state FROM offers WHERE id = ?::uuid", first.getString("offerId"))).isEqualTo("declined");
    }
  }

  @Test
  @DisplayName("an unanswered offer times out: the expert sees offer.revoked and the next expert gets the request")
  void timeoutMovesOn() {
    String topic = Actors.uniqueTopic();
    try (Person nearer = Actors.expert(node, topic, SHANGHAI_LAT + 0.01, SHANGHAI_LNG + 0.01, 1);
         Person farther = Actors.expert(node, topic, SHANGHAI_LAT + 0.3, SHANGHAI_LNG + 0.3, 1);
         Person client = Actors.client(node)) {
      String requestId = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      JsonObject first = nearer.socket().awaitEvent("offer");
      JsonObject revoked = nearer.socket().awaitEvent("offer.revoked");
      assertThat(revoked.getString("offerId")).isEqualTo(first.getString("offerId"));
      assertThat(revoked.getString("reason")).isEqualTo("timeout");
      assertThat(farther.socket().awaitEvent("offer").getString("requestId")).isEqualTo(requestId);
      assertThat(nearer.socket().call("offer.accept", new JsonObject().put("offerId", first.getString("offerId"))).getString("code"))
          .isEqualTo("conflict");
    }
  }

  @Test
  @DisplayName("a request that waits past maxWaitSeconds expires: request.expired, and the pending offer is revoked")
  void expiry() {
    String topic = Actors.uniqueTopic();
    try (Person expert = Actors.expert(node, topic);
         Person client = Actors.client(node)) {
      String requestId = client.socket().ack("request.create", Actors.request(topic, "chat").put("maxWaitSeconds", 1)).getString("requestId");
      JsonObject offer = expert.socket().awaitEvent("offer");
      assertThat(client.socket().awaitEvent("request.expired").getString("requestId")).isEqualTo(requestId);
      JsonObject revoked = expert.socket().awaitEvent("offer.revoked");
      assertThat(revoked.getString("offerId")).isEqualTo(offer.getString("offerId"));
      assertThat(revoked.getString("reason")).isEqualTo("expired");
      assertThat(Sql.string("SELECT status FROM requests WHERE id = ?::uuid", requestId)).isEqualTo("expired");
    }
  }

  @Test
  @DisplayName("cancelling revokes the pending offer; cancelling twice is harmless; a matched request cannot be cancelled")
  void cancel() {
    String topic = Actors.uniqueTopic();
    try (Person expert = Actors.expert(node, topic);
         Person client = Actors.client(node)) {
      String token = client.session().accessToken();
      String first = node.http().post("/api/v1/requests", Actors.request(topic, "chat"), token).json().getString("id");
      JsonObject offer = expert.socket().awaitEvent("offer");
      Response cancelled = node.http().delete("/api/v1/requests/" + first, token);
      assertThat(cancelled.status()).isEqualTo(200);
      assertThat(cancelled.json().getString("status")).isEqualTo("cancelled");
      JsonObject revoked = expert.socket().awaitEvent("offer.revoked");
      assertThat(revoked.getString("offerId")).isEqualTo(offer.getString("offerId"));
      assertThat(revoked.getString("reason")).isEqualTo("cancelled");
      assertThat(node.http().delete("/api/v1/requests/" + first, token).status()).isEqualTo(200);

      String second = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      JsonObject nextOffer = expert.socket().awaitEvent("offer", o -> second.equals(o.getString("requestId")));
      expert.socket().ack("offer.accept", new JsonObject().put("offerId", nextOffer.getString("offerId")));
      JsonObject refused = client.socket().call("request.cancel", new JsonObject().put("requestId", second));
      assertThat(refused.getString("code")).isEqualTo("conflict");
      assertThat(node.http().delete("/api/v1/requests/" + second, token).status()).isEqualTo(409);
    }
  }

  @Test
  @DisplayName("queue positions are pushed as they change")
  void positions() {
    String topic = Actors.uniqueTopic();
    try (Person first = Actors.client(node);
         Person second = Actors.client(node)) {
      String firstId = first.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      JsonObject created = second.socket().ack("request.create", Actors.request(topic, "chat"));
      assertThat(created.getInteger("position")).isEqualTo(2);
      first.socket().ack("request.cancel", new JsonObject().put("requestId", firstId));
      JsonObject moved = second.socket().awaitEvent("request.status", s -> s.getInteger("position") == 1);
      assertThat(moved.getString("requestId")).isEqualTo(created.getString("requestId"));
      assertThat(moved.getString("status")).isEqualTo("queued");
      assertThat(node.http().get("/api/v1/requests/" + created.getString("requestId"), second.session().accessToken())
          .json().getInteger("position")).isEqualTo(1);
      second.socket().ack("request.cancel", new JsonObject().put("requestId", created.getString("requestId")));
    }
  }

  @Test
  @DisplayName("requests over HTTP: 201 with position, no ETA while nobody can take it, idempotency, validation, and owners only")
  void httpRequests() {
    String topic = Actors.uniqueTopic();
    var client = node.http().signUp("client");
    Response created = node.http().post("/api/v1/requests", Actors.request(topic, "chat"), client.accessToken(), Map.of("Idempotency-Key", "k-1"));
    assertThat(created.status()).isEqualTo(201);
    JsonObject body = created.json();
    assertThat(body.getString("status")).isEqualTo("queued");
    assertThat(body.getInteger("position")).isEqualTo(1);
    assertThat(body.getValue("etaSeconds")).as("no expert offers this topic: no estimate").isNull();
    assertThat(body.getString("reason")).isEqualTo("no_expert_online");
    assertThat(body.getString("expiresAt")).isNotBlank();

    Response again = node.http().post("/api/v1/requests", Actors.request(topic, "chat"), client.accessToken(), Map.of("Idempotency-Key", "k-1"));
    assertThat(again.json().getString("id")).as("same key, same request").isEqualTo(body.getString("id"));
    assertThat(Sql.count("SELECT count(*) FROM requests WHERE client_id = ?::uuid", client.userId())).isEqualTo(1);

    Response view = node.http().get("/api/v1/requests/" + body.getString("id"), client.accessToken());
    assertThat(view.json().getString("topic")).isEqualTo(topic);
    assertThat(view.json().getString("mode")).isEqualTo("chat");
    assertThat(view.json().getString("createdAt")).isNotBlank();

    var stranger = node.http().signUp("client");
    assertThat(node.http().get("/api/v1/requests/" + body.getString("id"), stranger.accessToken()).status()).isEqualTo(404);
    assertThat(node.http().delete("/api/v1/requests/" + body.getString("id"), stranger.accessToken()).status()).isEqualTo(404);
    assertThat(node.http().get("/api/v1/requests/" + UUID.randomUUID(), client.accessToken()).status()).isEqualTo(404);

    var expert = node.http().signUp("expert");
    assertThat(node.http().post("/api/v1/requests", Actors.request(topic, "chat"), expert.accessToken()).status()).isEqualTo(403);

    Response inPerson = node.http().post("/api/v1/requests", Actors.request(topic, "in_person"), client.accessToken());
    assertThat(inPerson.status()).isEqualTo(400);
    assertThat(inPerson.errorMessage()).contains("maxDistanceKm");
    assertThat(node.http().post("/api/v1/requests", Actors.request("Not A Topic", "chat"), client.accessToken()).errorMessage()).contains("topic");
    assertThat(node.http().post("/api/v1/requests", Actors.request(topic, "phone"), client.accessToken()).errorMessage()).contains("mode");
    assertThat(node.http().post("/api/v1/requests", Actors.request(topic, "chat").put("maxWaitSeconds", 0), client.accessToken())
        .errorMessage()).contains("maxWaitSeconds");
    node.http().delete("/api/v1/requests/" + body.getString("id"), client.accessToken());
  }
}
