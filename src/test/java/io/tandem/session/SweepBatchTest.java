package io.tandem.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors.Pair;
import io.tandem.testing.Actors;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The sweeps that end sessions go in batches of session.sweepBatch: more due sessions than a batch all end, each once. */
class SweepBatchTest {
  private static final int SESSIONS = 7;
  private static final int SWEEP_INTERVAL_MS = 3000;

  @Test
  @DisplayName("seven experts drop at once with session.sweepBatch 2: all end expert_left in batches of two, in one or two sweep rounds, each refunded once")
  void moreThanABatch() {
    try (RunningNode node = RunningNode.start(TestConfig.with(Map.of(
        "session.reconnectGraceSeconds", "1",
        "session.sweepBatch", "2",
        // Rounds 3 s apart: one round must end them all (two at most, if the drops straddle one), in
        // batches; ending two a round would take four rounds, 9 s or more.
        "matching.sweepIntervalMs", String.valueOf(SWEEP_INTERVAL_MS))))) {
      List<Pair> pairs = new ArrayList<>();
      try {
        for (int i = 0; i < SESSIONS; i++) {
          Pair pair = Actors.matched(node);
          pairs.add(pair);
          JsonObject session = new JsonObject().put("sessionId", pair.sessionId());
          pair.client().socket().ack("room.join", session.copy());
          pair.expert().socket().ack("room.join", session.copy());
        }
        // Closed one after another within a few milliseconds: their graces run out in the same sweep round or two.
        pairs.forEach(pair -> pair.expert().socket().close());
        for (Pair pair : pairs) {
          JsonObject ended = pair.client().socket().awaitEvent("session.ended");
          assertThat(ended.getString("status")).isEqualTo("expert_left");
          assertThat(ended.getString("endedBy")).isEqualTo(pair.expert().id());
        }
        String ids = String.join(",", pairs.stream().map(p -> "'" + p.sessionId() + "'").toList());
        assertThat(Sql.count("SELECT count(*) FROM sessions WHERE status = 'expert_left' AND id IN (" + ids + ")")).isEqualTo(SESSIONS);
        assertThat(Sql.count("SELECT count(*) FROM ledger_entries WHERE kind = 'release' AND account = 'wallet' AND session_id IN (" + ids + ")"))
            .as("each client refunded once").isEqualTo(SESSIONS);
        // A transaction's sessions share its ended_at (now() is the transaction's start).
        assertThat(Sql.count("SELECT max(n) FROM (SELECT count(*) AS n FROM sessions WHERE id IN (" + ids + ") GROUP BY ended_at) t"))
            .as("no transaction ended more than session.sweepBatch").isLessThanOrEqualTo(2);
        assertThat(Sql.count("SELECT count(DISTINCT ended_at) FROM sessions WHERE id IN (" + ids + ")")).as("batches").isGreaterThanOrEqualTo(4);
        assertThat(Sql.count("SELECT (extract(epoch FROM max(ended_at) - min(ended_at)) * 1000)::bigint FROM sessions WHERE id IN (" + ids + ")"))
            .as("ms from the first batch to the last: batch after batch in a round, not one batch a round")
            .isLessThan(2L * SWEEP_INTERVAL_MS);
      } finally {
        pairs.forEach(Pair::close);
      }
    }
  }
}
