package io.tandem.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Pair;
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

  @Test
  @DisplayName("seven experts drop at once with session.sweepBatch 2: every session is abandoned by its expert, refunded once")
  void moreThanABatch() {
    try (RunningNode node = RunningNode.start(TestConfig.with(Map.of(
        "session.reconnectGraceSeconds", "1",
        "session.sweepBatch", "2",
        "matching.sweepIntervalMs", "200")))) {
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
          assertThat(ended.getString("status")).isEqualTo("abandoned");
          assertThat(ended.getString("endedBy")).isEqualTo(pair.expert().id());
        }
        String ids = String.join(",", pairs.stream().map(p -> "'" + p.sessionId() + "'").toList());
        assertThat(Sql.count("SELECT count(*) FROM sessions WHERE status = 'abandoned' AND id IN (" + ids + ")")).isEqualTo(SESSIONS);
        assertThat(Sql.count("SELECT count(*) FROM ledger_entries WHERE kind = 'release' AND account = 'wallet' AND session_id IN (" + ids + ")"))
            .as("each client refunded once").isEqualTo(SESSIONS);
      } finally {
        pairs.forEach(Pair::close);
      }
    }
  }
}
