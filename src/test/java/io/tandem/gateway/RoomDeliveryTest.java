package io.tandem.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The order in which one connection delivers a room's chat, with a hand-cranked timer. */
class RoomDeliveryTest {
  private final List<JsonObject> written = new ArrayList<>();
  private final List<Runnable> timers = new ArrayList<>();
  private final RoomDelivery room = new RoomDelivery("s1", written::add, (delay, action) -> timers.add(action), 500);

  private static JsonObject message(int seq, String clientMsgId) {
    return new JsonObject().put("type", "room.message").put("sessionId", "s1").put("seq", seq).put("from", "u1")
        .put("clientMsgId", clientMsgId);
  }

  private List<String> seen() {
    return written.stream().map(m -> m.getInteger("seq") + ":" + m.getString("clientMsgId")).toList();
  }

  private void joined(int lastSeq, JsonObject... returned) {
    room.joinStarted();
    room.joinAnswered(new JsonObject().put("lastSeq", lastSeq).put("messages", new JsonArray(List.of((Object[]) returned))));
    assertThat(room.joinEnded()).isTrue();
  }

  @Test
  @DisplayName("messages are written in seq order, each once, whatever order and how often they arrive")
  void orderAndCopies() {
    joined(0);
    room.message(message(2, "b"));
    room.message(message(1, "a"));
    room.message(message(1, "a"));
    room.message(message(3, "c"));
    room.message(message(2, "b"));
    assertThat(seen()).containsExactly("1:a", "2:b", "3:c");
    assertThat(timers).as("the gap was filled before the timer mattered").hasSize(1);
  }

  @Test
  @DisplayName("a gap not filled within the wait is given up: what waited goes out; the missing seq, arriving later, is written once, late")
  void gapGivenUp() {
    joined(0);
    room.message(message(1, "a"));
    room.message(message(3, "c"));
    room.message(message(4, "d"));
    assertThat(seen()).containsExactly("1:a");
    timers.remove(0).run();
    assertThat(seen()).containsExactly("1:a", "3:c", "4:d");
    room.message(message(2, "b"));
    room.message(message(5, "e"));
    room.message(message(2, "b"));
    assertThat(seen()).containsExactly("1:a", "3:c", "4:d", "2:b", "5:e");
  }

  @Test
  @DisplayName("a gap that filled in time leaves its timer harmless: a later gap still waits its full time")
  void filledGapTimerIsStale() {
    joined(0);
    room.message(message(1, "a"));
    room.message(message(3, "c"));
    room.message(message(2, "b"));
    room.message(message(5, "e"));
    timers.remove(0).run(); // the first gap's timer, firing late
    assertThat(seen()).as("5 still waits for 4").containsExactly("1:a", "2:b", "3:c");
    room.message(message(4, "d"));
    assertThat(seen()).containsExactly("1:a", "2:b", "3:c", "4:d", "5:e");
    timers.forEach(Runnable::run);
    assertThat(seen()).hasSize(5);
  }

  @Test
  @DisplayName("while a join is answered live messages wait; those the join returned are not written again")
  void joinHoldsLiveMessages() {
    room.joinStarted();
    room.message(message(1, "a"));
    room.message(message(2, "b"));
    room.message(message(3, "c"));
    assertThat(written).isEmpty();
    room.joinAnswered(new JsonObject().put("lastSeq", 2).put("messages", new JsonArray().add(message(1, "a")).add(message(2, "b"))));
    assertThat(room.joinEnded()).isTrue();
    assertThat(seen()).containsExactly("3:c");
  }

  @Test
  @DisplayName("a join that fails, with no join before it, forgets the room and what waited")
  void failedJoin() {
    room.joinStarted();
    room.message(message(1, "a"));
    assertThat(room.joinEnded()).isFalse();
    assertThat(written).isEmpty();
  }

  @Test
  @DisplayName("a delivered seq that comes again from another message means the transcript went back: it is written, and what follows")
  void reusedSeq() {
    joined(0);
    room.message(message(1, "a"));
    room.message(message(2, "b"));
    room.message(message(2, "lost-then-new"));
    room.message(message(3, "c"));
    assertThat(seen()).containsExactly("1:a", "2:b", "2:lost-then-new", "3:c");
  }

  @Test
  @DisplayName("a re-join whose lastSeq is below what was delivered resumes live delivery right after lastSeq")
  void rejoinBelowDelivered() {
    joined(0);
    room.message(message(1, "a"));
    room.message(message(2, "b"));
    room.message(message(3, "c"));
    joined(1);
    room.message(message(2, "new"));
    assertThat(seen()).containsExactly("1:a", "2:b", "3:c", "2:new");
  }

  @Test
  @DisplayName("a seq older than what is remembered is taken for a late copy")
  void forgottenSeqIsACopy() {
    joined(0);
    for (int seq = 1; seq <= RoomDelivery.REMEMBERED_SEQS + 10; seq++) {
      room.message(message(seq, "m" + seq));
    }
    int before = written.size();
    room.message(message(1, "other"));
    assertThat(written).hasSize(before);
  }
}
