package io.tandem.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.FrameContract;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One whole consultation over real WebSockets, every frame held to the AsyncAPI document: the test
 * client ({@code TestSocket}) checks each frame it receives, and each frame it sent that the
 * server acknowledged, against the message of its type.
 */
class FrameContractTest {
  private static RunningNode node;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.defaults());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  @DisplayName("a consultation from request to end, with its declines, errors and presence, speaks only frames the AsyncAPI document describes")
  void wholeConsultationOnContract() {
    String topic = Actors.uniqueTopic();
    Set<String> checked = new HashSet<>();
    try (Person client = Actors.client(node); Person expert = Actors.expert(node, topic)) {
      expert.socket().awaitEvent("presence.status");
      client.socket().ack("ping", new JsonObject());

      // A first request, declined: it goes back to the queue, not moving, and the client cancels it.
      String declined = client.socket().ack("request.create", Actors.request(topic, "chat").put("idempotencyKey", "k-" + UUID.randomUUID()))
          .getString("requestId");
      JsonObject firstOffer = expert.socket().awaitEvent("offer");
      expert.socket().ack("offer.decline", new JsonObject().put("offerId", firstOffer.getString("offerId")).put("reason", "in a meeting"));
      client.socket().awaitEvent("request.status", e -> declined.equals(e.getString("requestId")) && "queued".equals(e.getString("status")));
      assertThat(client.socket().ack("request.cancel", new JsonObject().put("requestId", declined)).getString("status")).isEqualTo("cancelled");
      JsonObject gone = expert.socket().call("offer.accept", new JsonObject().put("offerId", firstOffer.getString("offerId")));
      assertThat(gone.getString("code")).isEqualTo("conflict");

      // The second is accepted: both are told, both join, chat, type, signal, and the client ends it.
      String requestId = client.socket().ack("request.create", Actors.request(topic, "video")).getString("requestId");
      JsonObject offer = expert.socket().awaitEvent("offer", o -> requestId.equals(o.getString("requestId")));
      String sessionId = expert.socket().ack("offer.accept", new JsonObject().put("offerId", offer.getString("offerId"))).getString("sessionId");
      client.socket().awaitEvent("request.matched");
      client.socket().awaitEvent("session.ready");
      expert.socket().awaitEvent("session.ready");
      JsonObject session = new JsonObject().put("sessionId", sessionId);

      client.socket().ack("room.join", session.copy());
      expert.socket().ack("room.join", session.copy().put("afterSeq", 0));
      client.socket().awaitEvent("room.presence", p -> expert.id().equals(p.getString("userId")));
      client.socket().ack("room.send", session.copy().put("clientMsgId", "m-1").put("text", "Hello"));
      expert.socket().awaitEvent("room.message");
      expert.socket().ack("room.typing", session.copy());
      client.socket().awaitEvent("room.typing");
      client.socket().ack("room.signal", session.copy().put("signal", new JsonObject().put("type", "offer").put("sdp", "v=0")));
      expert.socket().awaitEvent("room.signal");
      assertThat(client.socket().call("session.checkin", session.copy().put("location", new JsonObject().put("lat", 31.2).put("lng", 121.4)))
          .getString("code")).as("check-in is for in-person sessions").isEqualTo("bad_request");
      expert.socket().ack("room.leave", session.copy());
      client.socket().awaitEvent("room.presence", p -> "left".equals(p.getString("state")));
      expert.socket().ack("room.join", session.copy().put("afterSeq", 1));
      assertThat(client.socket().ack("session.end", session.copy()).getString("status")).isEqualTo("completed");
      client.socket().awaitEvent("session.ended");
      expert.socket().awaitEvent("session.ended");

      // Errors: an unknown type, a frame without one, not JSON, a stranger's room.
      assertThat(client.socket().call("no.such.type").getString("code")).isEqualTo("bad_request");
      client.socket().send(new JsonObject().put("cid", "no-type"));
      client.socket().await(f -> "no-type".equals(f.getString("cid")), "the error for a frame without a type");
      client.socket().sendText("{not json");
      client.socket().await(f -> "error".equals(f.getString("type")) && !f.containsKey("cid"), "the error for a frame that is not JSON");
      try (Person stranger = Actors.client(node)) {
        assertThat(stranger.socket().call("room.send", session.copy().put("clientMsgId", "x").put("text", "hi")).getString("code"))
            .isEqualTo("forbidden");
        checked.addAll(stranger.socket().typesChecked());
      }
      assertThat(expert.socket().ack("presence.offline", new JsonObject()).getString("status")).isEqualTo("offline");
      expert.socket().awaitEvent("presence.status", s -> "offline".equals(s.getString("status")));

      client.socket().assertOnContract();
      expert.socket().assertOnContract();
      checked.addAll(client.socket().typesChecked());
      checked.addAll(expert.socket().typesChecked());
      assertThat(client.socket().framesChecked() + expert.socket().framesChecked()).isGreaterThan(40);
    } finally {
      Sql.cancelWaiting(topic);
    }
    assertThat(checked).as("the frames held to the contract").contains(
        "→ping", "→request.create", "→request.cancel", "→offer.decline", "→offer.accept", "→room.join", "→room.send", "→room.typing",
        "→room.signal", "→room.leave", "→session.end", "→presence.online", "→presence.offline",
        "ack(request.create)", "ack(room.join)", "ack(room.send)", "ack(session.end)", "error",
        "offer", "request.status", "request.matched", "session.ready", "room.presence", "room.message", "room.typing", "room.signal",
        "session.ended", "presence.status");
  }

  @Test
  @DisplayName("the contract checker refuses what is off the document: a wrong field, an unknown event, an ack that misses its result")
  void checkerRefusesWhatIsOffContract() {
    String id = UUID.randomUUID().toString();
    assertThat(FrameContract.received(new JsonObject().put("type", "room.typing").put("sessionId", id).put("from", id), null)).isEmpty();
    assertThat(FrameContract.received(new JsonObject().put("type", "room.typing").put("sessionId", "nope").put("from", id), null)).isNotEmpty();
    assertThat(FrameContract.received(new JsonObject().put("type", "room.whatever"), null)).isNotEmpty();
    assertThat(FrameContract.received(new JsonObject().put("type", "ack").put("cid", "1"), "room.send")).as("no seq").isNotEmpty();
    assertThat(FrameContract.received(new JsonObject().put("type", "error").put("code", "teapot").put("message", "x"), null)).isNotEmpty();
    assertThat(FrameContract.sent(new JsonObject().put("type", "room.send").put("sessionId", id).put("clientMsgId", "m").put("text", "")))
        .as("empty text").isNotEmpty();
    assertThat(FrameContract.received(new JsonObject().put("type", "session.ended").put("sessionId", id).put("status", "completed")
        .put("durationSeconds", 3).put("someday", "a new optional field"), null)).as("the contract extends compatibly").isEmpty();
  }

  @Test
  @DisplayName("a caller of the wrong role is refused before their frame or body is read: forbidden, whatever else is wrong with it")
  void roleBeforeFields() {
    String topic = Actors.uniqueTopic();
    try (Person client = Actors.client(node); Person expert = Actors.expert(node, topic)) {
      assertThat(expert.socket().call("request.create", new JsonObject()).getString("code")).as("an expert asks").isEqualTo("forbidden");
      assertThat(client.socket().call("presence.online", new JsonObject().put("capacity", 99)).getString("code"))
          .as("a client goes online").isEqualTo("forbidden");
      assertThat(client.socket().call("offer.accept", new JsonObject()).getString("code")).as("a client accepts").isEqualTo("forbidden");
      assertThat(client.socket().call("offer.decline", new JsonObject().put("offerId", "nope")).getString("code"))
          .as("a client declines").isEqualTo("forbidden");
      assertThat(node.http().post("/api/v1/requests", new JsonObject(), expert.session().accessToken()).errorCode())
          .as("an expert asks over HTTP").isEqualTo("forbidden");
      assertThat(node.http().post("/api/v1/wallet/top-ups", new JsonObject(), expert.session().accessToken(), java.util.Map.of()).errorCode())
          .as("an expert tops up").isEqualTo("forbidden");
      assertThat(node.http().post("/api/v1/admin/users/" + client.id() + "/credits", new JsonObject(), client.session().accessToken())
          .errorMessage()).as("a client puts things right").contains("only administrators");
    } finally {
      Sql.cancelWaiting(topic);
    }
  }
}
