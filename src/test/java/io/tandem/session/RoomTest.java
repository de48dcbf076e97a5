package io.tandem.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors.Pair;
import io.tandem.testing.Actors;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestClient.Session;
import io.tandem.testing.TestConfig;
import io.tandem.testing.TestSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Live rooms over real WebSockets, against the real database. */
class RoomTest {
  private static RunningNode node;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.with(Map.of(
        "session.reconnectGraceSeconds", "2",
        "matching.sweepIntervalMs", "200",
        "ws.framesPerSecond", "500",
        "ws.frameBurst", "500",
        "ws.maxFrameBytes", "16384")));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonObject join(TestSocket socket, String sessionId, int afterSeq) {
    return socket.ack("room.join", new JsonObject().put("sessionId", sessionId).put("afterSeq", afterSeq));
  }

  private static JsonObject send(TestSocket socket, String sessionId, String clientMsgId, String text) {
    return socket.call("room.send", new JsonObject().put("sessionId", sessionId).put("clientMsgId", clientMsgId).put("text", text));
  }

  @Test
  @DisplayName("both participants join at the same moment, twelve times: each session starts once (both told once) and is active with both joined")
  void bothJoinAtOnce() {
    List<Pair> pairs = new ArrayList<>();
    try {
      for (int i = 0; i < 12; i++) {
        pairs.add(Actors.matched(node));
      }
      // Both frames are out before either answer is read: the two joins meet in PostgreSQL, where
      // the second to lock the row must see the first's join and start the session, once.
      int cid = 0;
      for (Pair pair : pairs) {
        for (TestSocket socket : List.of(pair.client().socket(), pair.expert().socket())) {
          socket.send(new JsonObject().put("type", "room.join").put("cid", "race-" + cid++).put("sessionId", pair.sessionId()));
        }
      }
      for (Pair pair : pairs) {
        for (TestSocket socket : List.of(pair.client().socket(), pair.expert().socket())) {
          assertThat(socket.awaitEvent("session.active").getString("sessionId")).isEqualTo(pair.sessionId());
        }
      }
      for (Pair pair : pairs) {
        assertThat(pair.client().socket().staysWithout("session.active", Duration.ofMillis(100))).as("told once").isTrue();
        assertThat(pair.expert().socket().countReceived("session.active")).as("told once").isZero();
        assertThat(Sql.count("SELECT count(*) FROM sessions WHERE id = '" + pair.sessionId() + "' AND status = 'active'"
            + " AND started_at IS NOT NULL AND client_joined_at IS NOT NULL AND expert_joined_at IS NOT NULL")).isEqualTo(1);
      }
    } finally {
      pairs.forEach(Pair::close);
    }
  }

  @Test
  @DisplayName("two participants chat: seqs count 1, 2, 3, both receive every message, a resend is stored once")
  void chat() {
    try (Pair pair = Actors.matched(node)) {
      String id = pair.sessionId();
      JsonObject clientJoin = join(pair.client().socket(), id, 0);
      assertThat(clientJoin.getString("status")).isEqualTo("waiting");
      assertThat(clientJoin.getJsonArray("participants")).hasSize(2);
      join(pair.expert().socket(), id, 0);
      assertThat(pair.client().socket().awaitEvent("room.presence", e -> "joined".equals(e.getString("state"))
          && pair.expert().id().equals(e.getString("userId")))).isNotNull();
      Poll.until("the session is active", Duration.ofSeconds(5),
          () -> "active".equals(Sql.string("SELECT status FROM sessions WHERE id = ?::uuid", id)));

      assertThat(send(pair.client().socket(), id, "m1", "Hello").getInteger("seq")).isEqualTo(1);
      assertThat(send(pair.expert().socket(), id, "e1", "Hi, how can I help?").getInteger("seq")).isEqualTo(2);
      JsonObject third = send(pair.client().socket(), id, "m2", "My interview is on Friday");
      assertThat(third.getInteger("seq")).isEqualTo(3);
      JsonObject again = send(pair.client().socket(), id, "m2", "My interview is on Friday");
      assertThat(again.getInteger("seq")).as("the same clientMsgId returns the same seq").isEqualTo(3);
      assertThat(again.getString("sentAt")).isEqualTo(third.getString("sentAt"));

      for (TestSocket socket : List.of(pair.client().socket(), pair.expert().socket())) {
        List<Integer> seqs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          JsonObject message = socket.awaitEvent("room.message");
          assertThat(message.getString("sessionId")).isEqualTo(id);
          seqs.add(message.getInteger("seq"));
        }
        assertThat(seqs).containsExactly(1, 2, 3);
        assertThat(socket.staysWithout("room.message", Duration.ofMillis(300))).as("the resend is not delivered again").isTrue();
      }
      assertThat(Sql.count("SELECT count(*) FROM messages WHERE session_id = ?::uuid", id)).isEqualTo(3);

      Response page = node.http().get("/api/v1/sessions/" + id + "/messages?afterSeq=1&limit=1", pair.client().session().accessToken());
      assertThat(page.json().getJsonArray("messages")).hasSize(1);
      assertThat(page.json().getJsonArray("messages").getJsonObject(0).getString("text")).isEqualTo("Hi, how can I help?");
      assertThat(page.json().getInteger("lastSeq")).isEqualTo(3);
      Response session = node.http().get("/api/v1/sessions/" + id, pair.expert().session().accessToken());
      assertThat(session.json().getString("status")).isEqualTo("active");
      assertThat(session.json().getString("startedAt")).isNotBlank();
    }
  }

  @Test
  @DisplayName("a seq handed out again after an acknowledged write was lost reaches both sides, and their transcripts agree")
  void reusedSeqAfterLostWrite() {
    try (Pair pair = Actors.matched(node)) {
      String id = pair.sessionId();
      join(pair.client().socket(), id, 0);
      join(pair.expert().socket(), id, 0);
      for (int i = 1; i <= 3; i++) {
        assertThat(send(pair.client().socket(), id, "m" + i, "before " + i).getInteger("seq")).isEqualTo(i);
      }
      for (TestSocket socket : List.of(pair.client().socket(), pair.expert().socket())) {
        for (int i = 1; i <= 3; i++) {
          assertThat(socket.awaitEvent("room.message").getInteger("seq")).isEqualTo(i);
        }
      }
      // What a database that lost its last commit looks like: seq 3 gone, the chat's counter back at 2.
      // The durable database never does this; the defence must hold if one ever does.
      Sql.update("DELETE FROM messages WHERE session_id = ?::uuid AND seq = 3", id);
      Sql.update("UPDATE chat_seqs SET last_seq = 2 WHERE session_id = ?::uuid", id);

      assertThat(send(pair.expert().socket(), id, "e1", "after the loss").getInteger("seq")).isEqualTo(3);
      for (TestSocket socket : List.of(pair.client().socket(), pair.expert().socket())) {
        JsonObject again = socket.awaitEvent("room.message");
        assertThat(again.getInteger("seq")).as("the reused seq is delivered, not dropped as a duplicate").isEqualTo(3);
        assertThat(again.getString("clientMsgId")).isEqualTo("e1");
      }
      assertThat(send(pair.client().socket(), id, "m4", "next").getInteger("seq")).isEqualTo(4);
      for (TestSocket socket : List.of(pair.client().socket(), pair.expert().socket())) {
        assertThat(socket.awaitEvent("room.message").getInteger("seq")).isEqualTo(4);
      }
      JsonArray transcript = join(pair.client().socket(), id, 0).getJsonArray("messages");
      assertThat(transcript.stream().map(m -> ((JsonObject) m).getString("clientMsgId")).toList())
          .containsExactly("m1", "m2", "e1", "m4");
    }
  }

  @Test
  @DisplayName("a re-join whose lastSeq is below what the connection delivered resumes live delivery after lastSeq")
  void rejoinAfterTranscriptWentBack() {
    try (Pair pair = Actors.matched(node)) {
      String id = pair.sessionId();
      join(pair.client().socket(), id, 0);
      join(pair.expert().socket(), id, 0);
      for (int i = 1; i <= 2; i++) {
        send(pair.client().socket(), id, "m" + i, "before " + i);
        pair.expert().socket().awaitEvent("room.message");
      }
      Sql.update("DELETE FROM messages WHERE session_id = ?::uuid AND seq = 2", id);
      Sql.update("UPDATE chat_seqs SET last_seq = 1 WHERE session_id = ?::uuid", id);
      assertThat(join(pair.expert().socket(), id, 2).getInteger("lastSeq")).as("the transcript went back").isEqualTo(1);

      assertThat(send(pair.client().socket(), id, "m3", "after").getInteger("seq")).isEqualTo(2);
      JsonObject delivered = pair.expert().socket().awaitEvent("room.message");
      assertThat(delivered.getInteger("seq")).isEqualTo(2);
      assertThat(delivered.getString("clientMsgId")).isEqualTo("m3");
    }
  }

  @Test
  @DisplayName("ten rooms chatting at once, both sides sending: every room's seqs run 1 to 40 without gaps or repeats")
  void manyRoomsAtOnce() throws Exception {
    List<Pair> pairs = new ArrayList<>();
    java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      for (int i = 0; i < 10; i++) {
        Pair pair = Actors.matched(node);
        join(pair.client().socket(), pair.sessionId(), 0);
        join(pair.expert().socket(), pair.sessionId(), 0);
        pairs.add(pair);
      }
      List<java.util.concurrent.Future<?>> sending = new ArrayList<>();
      for (Pair pair : pairs) {
        for (TestSocket side : List.of(pair.client().socket(), pair.expert().socket())) {
          sending.add(senders.submit(() -> {
            for (int m = 0; m < 20; m++) {
              side.send(new JsonObject().put("type", "room.send").put("sessionId", pair.sessionId())
                  .put("clientMsgId", "m" + m).put("text", "message " + m));
            }
          }));
        }
      }
      for (java.util.concurrent.Future<?> f : sending) {
        f.get(30, java.util.concurrent.TimeUnit.SECONDS);
      }
      for (Pair pair : pairs) {
        Poll.until("40 messages stored", Duration.ofSeconds(15),
            () -> Sql.count("SELECT count(*) FROM messages WHERE session_id = ?::uuid", pair.sessionId()) == 40);
        assertThat(Sql.count("SELECT count(DISTINCT seq) FROM messages WHERE session_id = ?::uuid AND seq BETWEEN 1 AND 40",
            pair.sessionId())).isEqualTo(40);
        assertThat(Sql.count("SELECT last_seq FROM chat_seqs WHERE session_id = ?::uuid", pair.sessionId())).isEqualTo(40);
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          seen.add(pair.client().socket().awaitEvent("room.message").getInteger("seq"));
        }
        assertThat(seen).as("delivered in order, each once").isSorted().doesNotHaveDuplicates();
      }
    } finally {
      senders.shutdownNow();
      pairs.forEach(Pair::close);
    }
  }

  @Test
  @DisplayName("an outsider cannot join, send, signal or read, and is told forbidden")
  void outsider() {
    try (Pair pair = Actors.matched(node)) {
      Session outsider = node.http().signUp("client");
      try (TestSocket socket = TestSocket.connect(node.node().httpPort(), outsider.accessToken())) {
        JsonObject session = new JsonObject().put("sessionId", pair.sessionId());
        assertThat(socket.call("room.join", session).getString("code")).isEqualTo("forbidden");
        assertThat(socket.call("room.send", session.copy().put("clientMsgId", "x").put("text", "hi")).getString("code")).isEqualTo("forbidden");
        assertThat(socket.call("room.signal", session.copy().put("signal", new JsonObject())).getString("code")).isEqualTo("forbidden");
      }
      assertThat(node.http().get("/api/v1/sessions/" + pair.sessionId(), outsider.accessToken()).status()).isEqualTo(404);
      assertThat(node.http().get("/api/v1/sessions/" + pair.sessionId() + "/messages", outsider.accessToken()).status()).isEqualTo(404);
    }
  }

  @Test
  @DisplayName("a join whose backlog is more than one page gets the first page and the transcript's lastSeq, so it asks for the rest")
  void backlogLongerThanAPage() {
    try (Pair pair = Actors.matched(node)) {
      String id = pair.sessionId();
      int stored = RoomService.JOIN_BACKLOG_LIMIT + 20;
      // A long transcript written as the chat writer leaves it: messages 1..n and the counter at n.
      Sql.update("INSERT INTO messages (session_id, seq, sender_id, text, client_msg_id) SELECT ?::uuid, g, ?::uuid, 'message ' || g, 'm' || g"
          + " FROM generate_series(1, ?) g", id, UUID.fromString(pair.client().id()), stored);
      Sql.update("UPDATE chat_seqs SET last_seq = ? WHERE session_id = ?::uuid", stored, id);
      JsonObject joined = join(pair.expert().socket(), id, 0);
      assertThat(joined.getJsonArray("messages")).hasSize(RoomService.JOIN_BACKLOG_LIMIT);
      assertThat(joined.getInteger("lastSeq")).isEqualTo(stored);
      JsonObject rest = join(pair.expert().socket(), id, RoomService.JOIN_BACKLOG_LIMIT);
      assertThat(rest.getJsonArray("messages")).hasSize(20);
      assertThat(rest.getInteger("lastSeq")).isEqualTo(stored);
    }
  }

  @Test
  @DisplayName("a participant who missed 20 messages gets all 20 once, in order, by joining with afterSeq")
  void recovery() {
    try (Pair pair = Actors.matched(node)) {
      String id = pair.sessionId();
      join(pair.client().socket(), id, 0);
      join(pair.expert().socket(), id, 0);
      send(pair.client().socket(), id, "before", "before the drop");
      pair.client().socket().awaitEvent("room.message");
      pair.client().socket().close();
      for (int i = 1; i <= 20; i++) {
        assertThat(send(pair.expert().socket(), id, "e" + i, "message " + i).getInteger("seq")).isEqualTo(i + 1);
      }
      try (TestSocket back = TestSocket.connect(node.node().httpPort(), pair.client().session().accessToken())) {
        JsonObject joined = join(back, id, 1);
        JsonArray missed = joined.getJsonArray("messages");
        assertThat(missed).hasSize(20);
        for (int i = 0; i < 20; i++) {
          assertThat(missed.getJsonObject(i).getInteger("seq")).isEqualTo(i + 2);
          assertThat(missed.getJsonObject(i).getString("text")).isEqualTo("message " + (i + 1));
        }
        assertThat(joined.getInteger("lastSeq")).isEqualTo(21);
        assertThat(back.staysWithout("room.message", Duration.ofMillis(300))).as("nothing is delivered twice").isTrue();
        send(pair.expert().socket(), id, "after", "welcome back");
        assertThat(back.awaitEvent("room.message").getInteger("seq")).isEqualTo(22);
      }
    }
  }

  @Test
  @DisplayName("signals and typing reach only the peer and are never stored")
  void signalsAndTyping() {
    try (Pair pair = Actors.matched(node)) {
      String id = pair.sessionId();
      join(pair.client().socket(), id, 0);
      join(pair.expert().socket(), id, 0);
      JsonObject offer = new JsonObject().put("type", "offer").put("sdp", "v=0 o=- 4611 2 IN IP4 127.0.0.1");
      pair.client().socket().ack("room.signal", new JsonObject().put("sessionId", id).put("signal", offer));
      JsonObject relayed = pair.expert().socket().awaitEvent("room.signal");
      assertThat(relayed.getJsonObject("signal")).isEqualTo(offer);
      assertThat(relayed.getString("from")).isEqualTo(pair.client().id());
      assertThat(pair.client().socket().staysWithout("room.signal", Duration.ofMillis(300))).isTrue();

      pair.expert().socket().ack("room.typing", new JsonObject().put("sessionId", id));
      assertThat(pair.client().socket().awaitEvent("room.typing").getString("from")).isEqualTo(pair.expert().id());
      assertThat(pair.expert().socket().staysWithout("room.typing", Duration.ofMillis(300))).isTrue();

      assertThat(Sql.count("SELECT count(*) FROM messages WHERE session_id = ?::uuid", id)).isZero();
      assertThat(node.http().get("/api/v1/sessions/" + id + "/messages", pair.client().session().accessToken())
          .json().getJsonArray("messages")).isEmpty();
    }
  }

  @Test
  @DisplayName("empty, oversized and malformed frames get their errors, and the room keeps working")
  void badFrames() {
    try (Pair pair = Actors.matched(node)) {
      String id = pair.sessionId();
      TestSocket client = pair.client().socket();
      join(client, id, 0);
      join(pair.expert().socket(), id, 0);
      assertThat(send(client, id, "e", "").getString("code")).isEqualTo("bad_request");
      assertThat(send(client, id, "e", "   ").getString("code")).isEqualTo("bad_request");
      JsonObject tooLong = send(client, id, "long", "x".repeat(4001));
      assertThat(tooLong.getString("code")).isEqualTo("bad_request");
      assertThat(tooLong.getString("message")).contains("text").contains("4000");
      assertThat(client.call("room.send", new JsonObject().put("sessionId", "not-a-session").put("clientMsgId", "a").put("text", "hi"))
          .getString("message")).contains("sessionId");
      assertThat(client.call("room.send", new JsonObject().put("sessionId", id).put("text", "no id")).getString("message")).contains("clientMsgId");
      assertThat(client.call("room.signal", new JsonObject().put("sessionId", id)).getString("message")).contains("signal");
      client.sendText("{\"type\": \"room.send\", ");
      assertThat(client.awaitEvent("error").getString("code")).isEqualTo("bad_request");

      assertThat(send(client, id, "ok", "still here").getInteger("seq")).isEqualTo(1);
      assertThat(pair.expert().socket().awaitEvent("room.message").getString("text")).isEqualTo("still here");

      try (TestSocket second = TestSocket.connect(node.node().httpPort(), pair.client().session().accessToken())) {
        second.sendText(new JsonObject().put("type", "room.send").put("sessionId", id).put("clientMsgId", "big")
            .put("text", "y".repeat(20_000)).encode());
        assertThat(second.awaitClose()).isEqualTo((short) 1009);
      }
      assertThat(send(client, id, "ok2", "the room survives").getInteger("seq")).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("session.end completes the session for both with its duration; leaving does not end it")
  void endAndLeave() {
    try (Pair pair = Actors.matched(node)) {
      String id = pair.sessionId();
      join(pair.client().socket(), id, 0);
      JsonObject early = pair.client().socket().call("session.end", new JsonObject().put("sessionId", id));
      assertThat(early.getString("code")).as("not started before both join").isEqualTo("conflict");
      join(pair.expert().socket(), id, 0);
      pair.expert().socket().ack("room.leave", new JsonObject().put("sessionId", id));
      assertThat(pair.client().socket().awaitEvent("room.presence", e -> "left".equals(e.getString("state"))).getString("userId"))
          .isEqualTo(pair.expert().id());
      assertThat(Sql.string("SELECT status FROM sessions WHERE id = ?::uuid", id)).isEqualTo("active");

      JsonObject ended = pair.client().socket().ack("session.end", new JsonObject().put("sessionId", id));
      assertThat(ended.getString("status")).isEqualTo("completed");
      for (TestSocket socket : List.of(pair.client().socket(), pair.expert().socket())) {
        JsonObject event = socket.awaitEvent("session.ended");
        assertThat(event.getString("status")).isEqualTo("completed");
        assertThat(event.getString("endedBy")).isEqualTo(pair.client().id());
        assertThat(event.getLong("durationSeconds")).isNotNegative();
      }
      assertThat(send(pair.client().socket(), id, "late", "anyone?").getString("code")).isEqualTo("conflict");
      assertThat(pair.expert().socket().ack("session.end", new JsonObject().put("sessionId", id)).getString("status")).isEqualTo("completed");
    }
  }

  @Test
  @DisplayName("an expert dropped longer than the reconnect grace while the client stays: expert_left, the client refunded and requeued first, the expert penalised")
  void abandon() {
    try (Pair pair = Actors.matched(node)) {
      String id = pair.sessionId();
      String requestId = Sql.string("SELECT request_id::text FROM sessions WHERE id = ?::uuid", id);
      join(pair.client().socket(), id, 0);
      join(pair.expert().socket(), id, 0);
      pair.expert().socket().close();
      assertThat(pair.client().socket().awaitEvent("room.presence", e -> "disconnected".equals(e.getString("state"))).getString("userId"))
          .isEqualTo(pair.expert().id());
      JsonObject ended = pair.client().socket().awaitEvent("session.ended");
      assertThat(ended.getString("status")).isEqualTo("expert_left");
      assertThat(ended.getString("reason")).isEqualTo("disconnected");
      assertThat(ended.getString("endedBy")).isEqualTo(pair.expert().id());
      assertThat(ended.getJsonObject("payment").getLong("charged")).as("released in full").isZero();
      assertThat(Sql.string("SELECT status FROM sessions WHERE id = ?::uuid", id)).isEqualTo("expert_left");
      assertThat(pair.client().socket().awaitEvent("request.status", s -> requestId.equals(s.getString("requestId"))
          && "queued".equals(s.getString("status")))).as("back in the queue at its old place").isNotNull();
      assertThat(Sql.count("SELECT count(*) FROM penalties WHERE session_id = ?::uuid AND user_id = ?::uuid AND kind = 'expert_left'",
          id, pair.expert().id())).isEqualTo(1);
      assertThat(Sql.count("SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE session_id = ?::uuid AND account = 'wallet' AND user_id = ?::uuid",
          id, pair.client().id())).as("the client's hold came back").isZero();
      pair.client().socket().ack("request.cancel", new JsonObject().put("requestId", requestId));
    }
  }

  @Test
  @DisplayName("a participant back within the grace continues the session")
  void reconnectWithinGrace() {
    try (Pair pair = Actors.matched(node)) {
      String id = pair.sessionId();
      join(pair.client().socket(), id, 0);
      join(pair.expert().socket(), id, 0);
      pair.expert().socket().close();
      pair.client().socket().awaitEvent("room.presence", e -> "disconnected".equals(e.getString("state")));
      try (TestSocket back = TestSocket.connect(node.node().httpPort(), pair.expert().session().accessToken())) {
        join(back, id, 0);
        assertThat(pair.client().socket().awaitEvent("room.presence", e -> "reconnected".equals(e.getString("state"))).getString("userId"))
            .isEqualTo(pair.expert().id());
        assertThat(pair.client().socket().staysWithout("session.ended", Duration.ofSeconds(3))).isTrue();
        assertThat(Sql.string("SELECT status FROM sessions WHERE id = ?::uuid", id)).isEqualTo("active");
      }
    }
  }
}
