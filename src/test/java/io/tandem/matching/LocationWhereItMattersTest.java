package io.tandem.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestClient.Session;
import io.tandem.testing.TestConfig;
import io.tandem.testing.TestSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue 22: a location where it matters (meeting in person), and nowhere else. */
class LocationWhereItMattersTest {
  private static RunningNode node;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.with(Map.of()));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonObject profile(String topic, String... modes) {
    return new JsonObject().put("topics", new JsonArray().add(topic)).put("modes", new JsonArray(java.util.List.of((Object[]) modes)));
  }

  private static JsonObject request(String topic, String mode) {
    return new JsonObject().put("topic", topic).put("mode", mode).put("brief", "no location given");
  }

  @Test
  @DisplayName("a chat-only expert and a client who give no location are matched: no distance in the offer, a session as usual")
  void onlineWithoutLocation() {
    String topic = Actors.uniqueTopic();
    Session expertSession = node.http().signUp("expert");
    Response saved = node.http().put("/api/v1/experts/me", profile(topic, "chat", "video"), expertSession.accessToken());
    assertThat(saved.status()).isEqualTo(200);
    assertThat(saved.json().containsKey("location")).isTrue();
    assertThat(saved.json().getValue("location")).as("no location saved").isNull();
    try (TestSocket expert = TestSocket.connect(node.node().httpPort(), expertSession.accessToken());
         Person client = Actors.client(node)) {
      expert.ack("presence.online", new JsonObject());
      Response created = node.http().post("/api/v1/requests", request(topic, "chat"), client.session().accessToken());
      assertThat(created.status()).isEqualTo(201);
      JsonObject offer = expert.awaitEvent("offer");
      assertThat(offer.containsKey("distanceKm")).isTrue();
      assertThat(offer.getValue("distanceKm")).as("nobody said where they are").isNull();
      String sessionId = expert.ack("offer.accept", new JsonObject().put("offerId", offer.getString("offerId"))).getString("sessionId");
      assertThat(client.socket().awaitEvent("session.ready").getString("sessionId")).isEqualTo(sessionId);
      assertThat(Sql.count("SELECT count(*) FROM sessions WHERE id = ?::uuid AND meeting_lat IS NULL", sessionId))
          .as("an online session has no meeting point").isEqualTo(1);
      JsonObject session = new JsonObject().put("sessionId", sessionId);
      client.socket().ack("room.join", session.copy());
      expert.ack("room.join", session.copy());
      expert.ack("session.end", session.copy());
    }
  }

  @Test
  @DisplayName("over WebSocket too: a video request needs no location")
  void webSocketWithoutLocation() {
    try (Person client = Actors.client(node)) {
      JsonObject created = client.socket().ack("request.create", request(Actors.uniqueTopic(), "video"));
      assertThat(created.getString("requestId")).isNotBlank();
      client.socket().ack("request.cancel", new JsonObject().put("requestId", created.getString("requestId")));
    }
  }

  @Test
  @DisplayName("in person still needs a location: a request, a profile offering in_person, presence.online switching it on")
  void inPersonNeedsOne() {
    try (Person client = Actors.client(node)) {
      Response refused = node.http().post("/api/v1/requests", request(Actors.uniqueTopic(), "in_person").put("maxDistanceKm", 5),
          client.session().accessToken());
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.errorMessage()).contains("location").contains("in_person");
      JsonObject overSocket = client.socket().call("request.create", request(Actors.uniqueTopic(), "in_person").put("maxDistanceKm", 5));
      assertThat(overSocket.getString("code")).isEqualTo("bad_request");
    }
    Session expert = node.http().signUp("expert");
    Response noPlace = node.http().put("/api/v1/experts/me", profile(Actors.uniqueTopic(), "chat", "in_person"), expert.accessToken());
    assertThat(noPlace.status()).isEqualTo(400);
    assertThat(noPlace.errorMessage()).contains("location").contains("in_person");
    assertThat(node.http().put("/api/v1/experts/me", profile(Actors.uniqueTopic(), "chat"), expert.accessToken()).status()).isEqualTo(200);
    try (TestSocket socket = TestSocket.connect(node.node().httpPort(), expert.accessToken())) {
      JsonObject switched = socket.call("presence.online", new JsonObject().put("modes", new JsonArray().add("in_person")));
      assertThat(switched.getString("code")).isEqualTo("bad_request");
      assertThat(switched.getString("message")).contains("location");
      assertThat(socket.ack("presence.online", new JsonObject().put("modes", new JsonArray().add("in_person"))
          .put("location", new JsonObject().put("lat", 31.23).put("lng", 121.47))).getString("status")).isEqualTo("online");
    }
  }
}
