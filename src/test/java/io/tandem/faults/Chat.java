package io.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Poll;
import io.tandem.testing.Sql;
import io.tandem.testing.TestSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** What the fault tests check of a chat: the stored transcript, each participant's live view, resends. */
final class Chat {
  private Chat() {}

  /** The transcript as the database has it, seq to sender/clientMsgId. */
  static Map<Integer, String> storedTranscript(String databaseUrl, String sessionId) {
    Map<Integer, String> transcript = new TreeMap<>();
    for (String[] row : Sql.rowsAt(databaseUrl, "SELECT seq, sender_id, client_msg_id FROM messages WHERE session_id = ?::uuid", sessionId)) {
      transcript.put(Integer.parseInt(row[0]), row[1] + "/" + row[2]);
    }
    return transcript;
  }

  /** Sends until acknowledged, the same clientMsgId each time, as a client must after 'unavailable'. */
  static JsonObject sendUntilAcked(TestSocket socket, String sessionId, String clientMsgId, Duration within) {
    return Poll.value("room.send " + clientMsgId + " acknowledged", within, () -> socket.call("room.send",
        new JsonObject().put("sessionId", sessionId).put("clientMsgId", clientMsgId).put("text", "message " + clientMsgId)),
        answer -> {
          if ("error".equals(answer.getString("type")) && !"unavailable".equals(answer.getString("code"))) {
            throw new AssertionError("room.send failed with something other than 'unavailable': " + answer.encode());
          }
          return "ack".equals(answer.getString("type"));
        });
  }

  /** Reads room.message events until every seq up to {@code lastSeq} is in; seq to sender/clientMsgId, as this participant saw them. */
  static Map<Integer, String> liveView(TestSocket socket, int lastSeq) {
    Map<Integer, String> seen = new TreeMap<>();
    while (seen.size() < lastSeq) {
      JsonObject m = socket.awaitEvent("room.message");
      String previous = seen.put(m.getInteger("seq"), m.getString("from") + "/" + m.getString("clientMsgId"));
      assertThat(previous).as("seq %s delivered twice", m.getInteger("seq")).isNull();
    }
    return seen;
  }

  /**
   * The room.message events with seqs {@code from} to {@code to}, as this participant receives them
   * live, each at most once; fails naming the missing seqs if they do not all come (TestSocket's bounded wait).
   */
  static Map<Integer, String> liveViewFrom(TestSocket socket, int from, int to) {
    Map<Integer, String> seen = new TreeMap<>();
    while (seen.size() < to - from + 1) {
      JsonObject m;
      try {
        m = socket.awaitEvent("room.message");
      } catch (AssertionError timedOut) {
        java.util.List<Integer> missing = java.util.stream.IntStream.rangeClosed(from, to).boxed().filter(seq -> !seen.containsKey(seq)).toList();
        throw new AssertionError("seqs " + missing + " never came live; saw " + seen.keySet(), timedOut);
      }
      int seq = m.getInteger("seq");
      if (seq < from) {
        continue;
      }
      String previous = seen.put(seq, m.getString("from") + "/" + m.getString("clientMsgId"));
      assertThat(previous).as("seq %s delivered twice", seq).isNull();
    }
    return seen;
  }
}
