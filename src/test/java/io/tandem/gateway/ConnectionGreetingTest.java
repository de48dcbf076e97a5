package io.tandem.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Pair;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.RunningNode;
import io.tandem.testing.TestConfig;
import io.tandem.testing.TestSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 22: nothing lost across reconnects. Every new connection is told the user's state first
 * (presence, a pending offer, a waiting request, a session still open), and a session's start is
 * pushed to both.
 */
class ConnectionGreetingTest {
  private static RunningNode node;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.with(Map.of("session.lateGraceSeconds", "30", "session.reconnectGraceSeconds", "30")));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static TestSocket again(Person person) {
    return TestSocket.connect(node.node().httpPort(), person.session().accessToken());
  }

  @Test
  @DisplayName("an offer written to a connection the expert then lost is on their next one, same offerId, the time left, and can be accepted there")
  void pendingOfferToldAgain() {
    String topic = Actors.uniqueTopic();
    try (Person expert = Actors.expert(node, topic);
         Person client = Actors.client(node)) {
      client.socket().ack("request.create", Actors.request(topic, "chat"));
      JsonObject first = expert.socket().awaitEvent("offer");
      // The first connection froze: the expert comes back on another before the server noticed.
      try (TestSocket second = again(expert)) {
        JsonObject told = second.awaitEvent("offer");
        assertThat(told.getString("offerId")).isEqualTo(first.getString("offerId"));
        assertThat(told.getLong("expiresInMs")).as("the time left, not a new deadline").isLessThanOrEqualTo(first.getLong("expiresInMs"));
        assertThat(told.getString("expiresAt")).isEqualTo(first.getString("expiresAt"));
        assertThat(told.getJsonObject("earns")).isEqualTo(first.getJsonObject("earns"));
        assertThat(second.ack("offer.accept", new JsonObject().put("offerId", told.getString("offerId"))).getString("sessionId")).isNotBlank();
      }
    }
  }

  @Test
  @DisplayName("a client's new connection is told where their waiting request stands; an expert's, whether they are online, whichever device set it")
  void requestAndPresenceToldAgain() {
    String topic = Actors.uniqueTopic();
    try (Person client = Actors.client(node)) {
      String requestId = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      try (TestSocket second = again(client)) {
        JsonObject status = second.awaitEvent("request.status");
        assertThat(status.getString("requestId")).isEqualTo(requestId);
        assertThat(status.getString("status")).isEqualTo("queued");
        assertThat(status.getInteger("position")).isEqualTo(1);
      }
      client.socket().ack("request.cancel", new JsonObject().put("requestId", requestId));
    }
    try (Person expert = Actors.expert(node, topic);
         TestSocket phone = again(expert)) {
      assertThat(phone.awaitEvent("presence.status").getString("status")).as("online, set from the other device").isEqualTo("online");
      expert.socket().ack("presence.offline", new JsonObject());
      try (TestSocket tablet = again(expert)) {
        assertThat(tablet.awaitEvent("presence.status").getString("status")).isEqualTo("offline");
      }
    }
  }

  @Test
  @DisplayName("both participants' new connections are told of the open session (with when its join window closes); its start is pushed to both")
  void sessionToldAgainAndItsStartPushed() {
    try (Pair pair = Actors.matched(node)) {
      try (TestSocket clientPhone = again(pair.client());
           TestSocket expertPhone = again(pair.expert())) {
        JsonObject ready = clientPhone.awaitEvent("session.ready", e -> pair.sessionId().equals(e.getString("sessionId")));
        assertThat(ready.getJsonObject("peer").getString("role")).isEqualTo("expert");
        Instant deadline = Instant.parse(ready.getString("joinDeadline"));
        assertThat(Duration.between(deadline, Instant.parse(ready.getString("joinClosesAt")))).as("session.lateGraceSeconds").hasSeconds(30);
        assertThat(ready.getJsonArray("iceServers")).isNotNull();
        assertThat(expertPhone.awaitEvent("session.ready").getJsonObject("peer").getString("role")).isEqualTo("client");

        JsonObject session = new JsonObject().put("sessionId", pair.sessionId());
        pair.client().socket().ack("room.join", session.copy());
        assertThat(expertPhone.staysWithout("session.active", Duration.ofMillis(300))).as("not before both joined").isTrue();
        pair.expert().socket().ack("room.join", session.copy());
        for (TestSocket socket : new TestSocket[] {pair.client().socket(), pair.expert().socket(), clientPhone, expertPhone}) {
          assertThat(socket.awaitEvent("session.active").getString("sessionId")).as("every device of both").isEqualTo(pair.sessionId());
        }
        pair.client().socket().ack("session.end", session.copy());
      }
    }
  }
}
