package io.tandem.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient.Session;
import io.tandem.testing.TestConfig;
import io.tandem.testing.TestSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PresenceTest {
  private static RunningNode node;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.with(Map.of("session.reconnectGraceSeconds", "3", "matching.sweepIntervalMs", "200")));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String status(String expertId) {
    return Sql.string("SELECT status FROM expert_presence WHERE expert_id = ?::uuid", expertId);
  }

  @Test
  @DisplayName("presence.online defaults to the profile; fields in the frame override it")
  void defaultsFromProfile() {
    String topic = Actors.uniqueTopic();
    try (Person expert = Actors.expert(node, topic)) {
      assertThat(Sql.string("SELECT array_to_string(topics, ',') FROM expert_presence WHERE expert_id = ?::uuid", expert.id())).isEqualTo(topic);
      expert.socket().ack("presence.online", new JsonObject().put("topics", new JsonArray().add(topic + ".tax")).put("capacity", 3));
      assertThat(Sql.string("SELECT array_to_string(topics, ',') || '/' || capacity FROM expert_presence WHERE expert_id = ?::uuid", expert.id()))
          .isEqualTo(topic + ".tax/3");
      assertThat(expert.socket().ack("presence.offline", new JsonObject()).getString("status")).isEqualTo("offline");
      assertThat(status(expert.id())).isEqualTo("offline");
    }
  }

  @Test
  @DisplayName("without a profile the frame must say what the expert offers; clients cannot go online")
  void validation() {
    Session expert = node.http().signUp("expert");
    try (TestSocket socket = TestSocket.connect(node.node().httpPort(), expert.accessToken())) {
      JsonObject missing = socket.call("presence.online");
      assertThat(missing.getString("code")).isEqualTo("bad_request");
      assertThat(missing.getString("message")).contains("topics");
      JsonObject badCapacity = socket.call("presence.online", new JsonObject()
          .put("topics", new JsonArray().add("tax")).put("modes", new JsonArray().add("chat"))
          .put("location", new JsonObject().put("lat", 1).put("lng", 2)).put("capacity", 11));
      assertThat(badCapacity.getString("message")).contains("capacity");
    }
    Session client = node.http().signUp("client");
    try (TestSocket socket = TestSocket.connect(node.node().httpPort(), client.accessToken())) {
      assertThat(socket.call("presence.online").getString("code")).isEqualTo("forbidden");
    }
  }

  @Test
  @DisplayName("an expert whose connection drops gets no offers, and is offered again on coming back within the grace")
  void reconnectWithinGrace() {
    String topic = Actors.uniqueTopic();
    Person expert = Actors.expert(node, topic);
    expert.socket().close();
    Poll.until("the expert is marked disconnected", Duration.ofSeconds(5),
        () -> Sql.count("SELECT count(*) FROM expert_presence WHERE expert_id = ?::uuid AND disconnected_at IS NOT NULL", expert.id()) == 1);
    try (Person client = Actors.client(node)) {
      String requestId = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      try (TestSocket back = TestSocket.connect(node.node().httpPort(), expert.session().accessToken())) {
        assertThat(back.awaitEvent("offer").getString("requestId")).isEqualTo(requestId);
        assertThat(status(expert.id())).isEqualTo("online");
        assertThat(Sql.count("SELECT count(*) FROM offers WHERE request_id = ?::uuid", requestId))
            .as("no offer went to the expert while they were away").isEqualTo(1);
        client.socket().ack("request.cancel", new JsonObject().put("requestId", requestId));
      }
    }
  }

  @Test
  @DisplayName("an expert not back within session.reconnectGraceSeconds goes offline")
  void offlineAfterGrace() {
    Person expert = Actors.expert(node, Actors.uniqueTopic());
    assertThat(status(expert.id())).isEqualTo("online");
    expert.socket().close();
    Poll.until("the expert is offline", Duration.ofSeconds(10), () -> "offline".equals(status(expert.id())));
    assertThat(Sql.string("SELECT offline_reason FROM expert_presence WHERE expert_id = ?::uuid", expert.id())).isEqualTo("disconnected");
  }

  @Test
  @DisplayName("an expert left online with no connection anywhere (a node killed mid-shutdown) goes offline by the sweep")
  void strandedExpertGoesOffline() {
    Person expert = Actors.expert(node, Actors.uniqueTopic());
    assertThat(status(expert.id())).isEqualTo("online");
    // What a node killed between forgetting an expert's last connection and starting their grace leaves behind.
    assertThat(Sql.update("DELETE FROM connections WHERE user_id = ?::uuid", expert.id())).isEqualTo(1);
    Poll.until("the stranded expert's grace starts", Duration.ofSeconds(10),
        () -> Sql.count("SELECT count(*) FROM expert_presence WHERE expert_id = ?::uuid AND disconnected_at IS NOT NULL", expert.id()) == 1
            || "offline".equals(status(expert.id())));
    Poll.until("the stranded expert is offline", Duration.ofSeconds(10), () -> "offline".equals(status(expert.id())));
    assertThat(Sql.string("SELECT offline_reason FROM expert_presence WHERE expert_id = ?::uuid", expert.id())).isEqualTo("disconnected");
    expert.socket().close();
  }

  @Test
  @DisplayName("an expert marked away while connected (a sweep that read connections just before they came back) is set back by the next sweep")
  void markedAwayWhileConnectedIsSetBack() {
    Person expert = Actors.expert(node, Actors.uniqueTopic());
    assertThat(Sql.update("UPDATE expert_presence SET disconnected_at = now() WHERE expert_id = ?::uuid", expert.id())).isEqualTo(1);
    Poll.until("the grace ended: they are connected", Duration.ofSeconds(10),
        () -> Sql.count("SELECT count(*) FROM expert_presence WHERE expert_id = ?::uuid AND disconnected_at IS NULL", expert.id()) == 1);
    assertThat(status(expert.id())).isEqualTo("online");
    expert.socket().close();
  }
}
