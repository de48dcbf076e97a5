package io.tandem.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors.Pair;
import io.tandem.testing.Actors;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestConfig;
import io.tandem.testing.TestSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Sessions nobody ends end by themselves, with a warning first (issue 13, docs/operations.md "Reliability policy"). */
class SessionEndTest {
  private static RunningNode node;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.with(Map.of(
        "session.aloneTimeoutSeconds", "3",
        "session.endWarningSeconds", "2",
        "session.maxMinutes", "60",
        "session.reconnectGraceSeconds", "1",
        "matching.sweepIntervalMs", "200")));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** Both join, so the session is active. */
  private static void bothJoin(Pair pair) {
    for (TestSocket socket : List.of(pair.client().socket(), pair.expert().socket())) {
      socket.ack("room.join", new JsonObject().put("sessionId", pair.sessionId()).put("afterSeq", 0));
    }
    Poll.until("the session is active", Duration.ofSeconds(5),
        () -> "active".equals(Sql.string("SELECT status FROM sessions WHERE id = ?::uuid", pair.sessionId())));
  }

  @Test
  @DisplayName("the client leaves the room and does not come back: both are warned, then the session ends client_left, paid, no penalty")
  void leftAlone() {
    try (Pair pair = Actors.matched(node)) {
      bothJoin(pair);
      pair.client().socket().ack("room.leave", new JsonObject().put("sessionId", pair.sessionId()));
      for (TestSocket socket : List.of(pair.client().socket(), pair.expert().socket())) {
        JsonObject ending = socket.awaitEvent("session.ending");
        assertThat(ending.getString("sessionId")).isEqualTo(pair.sessionId());
        assertThat(ending.getString("reason")).isEqualTo("alone");
        assertThat(Instant.parse(ending.getString("endsAt"))).isAfter(Instant.now().minusSeconds(1));
      }
      for (TestSocket socket : List.of(pair.client().socket(), pair.expert().socket())) {
        JsonObject ended = socket.awaitEvent("session.ended");
        assertThat(ended.getString("status")).isEqualTo("client_left");
        assertThat(ended.getString("reason")).isEqualTo("alone");
        assertThat(ended.getString("endedBy")).isEqualTo(pair.client().id());
        assertThat(ended.getJsonObject("payment").getLong("charged")).as("the expert was there for it: paid").isEqualTo(2000);
      }
      assertThat(Sql.count("SELECT count(*) FROM penalties WHERE session_id = ?::uuid", pair.sessionId()))
          .as("a client who leaves pays the price, not points").isZero();
      assertThat(Sql.count("SELECT count(*) FROM ledger_entries WHERE session_id = ?::uuid AND kind = 'capture' AND account = 'wallet'",
          pair.sessionId())).as("the client walked away: the expert is paid").isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a participant who leaves and comes back before the timeout keeps the session")
  void leftAndBack() {
    try (Pair pair = Actors.matched(node)) {
      bothJoin(pair);
      pair.expert().socket().ack("room.leave", new JsonObject().put("sessionId", pair.sessionId()));
      pair.expert().socket().ack("room.join", new JsonObject().put("sessionId", pair.sessionId()).put("afterSeq", 0));
      // Past the alone timeout (3 s) and several sweeps: still active.
      Poll.until("a sweep ran after the timeout", Duration.ofSeconds(10),
          () -> Sql.count("SELECT count(*) FROM sessions WHERE id = ?::uuid AND started_at < now() - interval '4 seconds'", pair.sessionId()) == 1);
      assertThat(Sql.string("SELECT status FROM sessions WHERE id = ?::uuid", pair.sessionId())).isEqualTo("active");
    }
  }

  @Test
  @DisplayName("a session that runs session.maxMinutes completes by itself, with a warning first, and the expert is paid")
  void tooLong() {
    try (Pair pair = Actors.matched(node)) {
      bothJoin(pair);
      // An hour of consultation, minus a second: due within the warning, then due.
      Sql.update("UPDATE sessions SET started_at = now() - interval '59 minutes 59 seconds' WHERE id = ?::uuid", pair.sessionId());
      JsonObject ending = pair.expert().socket().awaitEvent("session.ending");
      assertThat(ending.getString("reason")).isEqualTo("max_duration");
      JsonObject ended = pair.client().socket().awaitEvent("session.ended");
      assertThat(ended.getString("status")).isEqualTo("completed");
      assertThat(ended.getString("reason")).isEqualTo("max_duration");
      assertThat(ended.containsKey("endedBy")).isFalse();
      assertThat(Sql.count("SELECT count(*) FROM ledger_entries WHERE session_id = ?::uuid AND kind = 'capture'", pair.sessionId())).isPositive();
    }
  }

  @Test
  @DisplayName("the client's connection drops and they are not back within the grace while the expert stays: client_left, the expert paid, nobody penalised")
  void clientDropped() {
    try (Pair pair = Actors.matched(node)) {
      bothJoin(pair);
      pair.client().socket().close();
      JsonObject ended = pair.expert().socket().awaitEvent("session.ended");
      assertThat(ended.getString("status")).isEqualTo("client_left");
      assertThat(ended.getString("reason")).isEqualTo("disconnected");
      assertThat(ended.getString("endedBy")).isEqualTo(pair.client().id());
      assertThat(ended.getJsonObject("payment").getLong("earned")).isEqualTo(1800);
      assertThat(Sql.count("SELECT count(*) FROM penalties WHERE session_id = ?::uuid", pair.sessionId())).isZero();
    }
  }

  @Test
  @DisplayName("both drop and neither comes back: abandoned, nobody's fault that can be told from a network fault; the client refunded, nobody penalised, nothing requeued")
  void bothDropped() {
    try (Pair pair = Actors.matched(node)) {
      bothJoin(pair);
      String requestId = Sql.string("SELECT request_id::text FROM sessions WHERE id = ?::uuid", pair.sessionId());
      pair.client().socket().close();
      pair.expert().socket().close();
      Poll.until("the session ends", Duration.ofSeconds(10),
          () -> !"active".equals(Sql.string("SELECT status FROM sessions WHERE id = ?::uuid", pair.sessionId())));
      assertThat(Sql.string("SELECT status FROM sessions WHERE id = ?::uuid", pair.sessionId())).isEqualTo("abandoned");
      assertThat(Sql.count("SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE session_id = ?::uuid AND account = 'wallet'"
          + " AND user_id = ?::uuid", pair.sessionId(), pair.client().id())).as("released in full").isZero();
      assertThat(Sql.count("SELECT count(*) FROM penalties WHERE session_id = ?::uuid", pair.sessionId())).isZero();
      assertThat(Sql.string("SELECT status FROM requests WHERE id = ?::uuid", requestId)).isEqualTo("matched");
    }
  }
}
