package io.tandem.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.TandemConfig;
import io.tandem.kernel.SessionId;
import io.tandem.testing.Actors.Pair;
import io.tandem.testing.Actors;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestConfig;
import io.tandem.testing.TestDatabase;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Endings decided by many at once come out once: the session's lock and its conditional write are the guard. */
class OutcomeRacesTest {
  private static TandemConfig config;
  private static RunningNode node;

  @BeforeAll
  static void start() {
    // The node's own sweeper comes round once a minute: within this test only the racers act.
    config = TestConfig.with(Map.of("matching.sweepIntervalMs", "60000", "session.lateGraceSeconds", "0"));
    node = RunningNode.start(config);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static Outcomes racer() {
    return RacingOutcomes.on(node, config);
  }

  @Test
  @DisplayName("ten racers on two outcome services meet a join window that is due: one ending, one penalty each, one refund, one session.ended")
  void joinWindowOnce() {
    try (Pair pair = Actors.matched(node)) {
      // Due now, not in a moment: the racers all find it due, and only the lock and the status decide who ends it.
      Sql.update("UPDATE sessions SET join_deadline = now() - interval '1 second' WHERE id = ?::uuid", pair.sessionId());
      List<Outcomes> services = List.of(racer(), racer());
      SessionId id = new SessionId(UUID.fromString(pair.sessionId()));
      List<Future<Optional<Outcomes.Settled>>> racing = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        racing.add(services.get(i % 2).closeJoinWindow(id));
      }
      long settled = racing.stream().map(f -> RunningNode.await(f, Duration.ofSeconds(10))).filter(Optional::isPresent).count();
      assertThat(settled).as("racers that ended it").isEqualTo(1);
      assertThat(Sql.string("SELECT status FROM sessions WHERE id = ?::uuid", pair.sessionId())).isEqualTo("both_no_show");
      assertThat(Sql.count("SELECT count(*) FROM penalties WHERE session_id = ?::uuid AND user_id = ?::uuid", pair.sessionId(), pair.expert().id()))
          .isEqualTo(1);
      assertThat(Sql.count("SELECT count(*) FROM penalties WHERE session_id = ?::uuid AND user_id = ?::uuid", pair.sessionId(), pair.client().id()))
          .isEqualTo(1);
      assertThat(Sql.count("SELECT count(DISTINCT transfer_id) FROM ledger_entries WHERE session_id = ?::uuid AND kind = 'release'",
          pair.sessionId())).isEqualTo(1);
      pair.client().socket().awaitEvent("session.ended");
      assertThat(pair.client().socket().staysWithout("session.ended", Duration.ofMillis(500))).isTrue();
      assertThat(RunningNode.await(racer().closeJoinWindow(id), Duration.ofSeconds(5))).as("and nothing after").isEmpty();
    }
  }

  @Test
  @DisplayName("a sweep ending a session whose chat counter a batch holds waits for it before it locks any wallet")
  void sweepTakesTheChatBeforeTheWallets() throws Exception {
    try (Pair pair = Actors.matched(node);
         Connection batch = DriverManager.getConnection(TestDatabase.url().replace("postgresql://postgres@", "jdbc:postgresql://"), "postgres", "")) {
      Sql.update("UPDATE sessions SET join_deadline = now() - interval '1 second' WHERE id = ?::uuid", pair.sessionId());
      // A chat batch's hold on the session's counter, as MessageStore's statement takes it.
      batch.setAutoCommit(false);
      try (PreparedStatement hold = batch.prepareStatement("SELECT 1 FROM chat_seqs WHERE session_id = ?::uuid FOR NO KEY UPDATE")) {
        hold.setString(1, pair.sessionId());
        hold.executeQuery().close();
      }
      Future<Void> sweep = racer().sweep();
      Poll.until("the sweep waits for the chat counter", Duration.ofSeconds(10),
          () -> Sql.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%chat_seqs%'") > 0);
      // Meanwhile the participants' wallets are free: an ending of another of their sessions, or a
      // chat batch waiting for that ending, is never caught between the two.
      assertThat(Sql.count("SELECT count(*) FROM (SELECT id FROM accounts WHERE id IN (?::uuid, ?::uuid) FOR NO KEY UPDATE NOWAIT) w",
          pair.client().id(), pair.expert().id())).isEqualTo(2);
      batch.rollback();
      RunningNode.await(sweep, Duration.ofSeconds(10));
      assertThat(Sql.string("SELECT status FROM sessions WHERE id = ?::uuid", pair.sessionId())).isEqualTo("both_no_show");
    }
  }
}
