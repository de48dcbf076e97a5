package io.tandem.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The order in which one connection delivers a room's chat, with hand-cranked timers and a stored transcript. */
class RoomDeliveryTest {
  private static final long CATCH_UP = 200;
  private static final long GIVE_UP = 500;
  private record Timer(long delayMs, Runnable action) {}

  private final List<JsonObject> written = new ArrayList<>();
  private final List<Timer> timers = new ArrayList<>();
  /** The stored transcript, by seq: what a catch-up reads. */
  private final java.util.TreeMap<Integer, JsonObject> stored = new java.util.TreeMap<>();
  private final RoomDelivery room = delivery(true);

  /** {@code clustered}: whether it looks at the transcript's tail after a join. */
  private RoomDelivery delivery(boolean clustered) {
    return new RoomDelivery("s1", written::add, (delay, action) -> timers.add(new Timer(delay, action)),
        (after, limit, found) -> found.accept(stored.subMap(after, false, after + limit, true).values().stream().toList()), CATCH_UP, GIVE_UP,
        clustered);
  }

  /** Fires, and forgets, the oldest timer set with {@code delayMs}. */
  private void fire(long delayMs) {
    Timer timer = timers.stream().filter(t -> t.delayMs() == delayMs).findFirst().orElseThrow();
    timers.remove(timer);
    timer.action().run();
  }

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
    fire(CATCH_UP); // the look at the transcript a moment after the join
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
    assertThat(timers).as("the gap was filled before its timers mattered").extracting(Timer::delayMs).containsExactly(CATCH_UP, GIVE_UP);
  }

  @Test
  @DisplayName("a gap not filled within the wait is given up: what waited goes out; the missing seq, arriving later, is written once, late")
  void gapGivenUp() {
    joined(0);
    room.message(message(1, "a"));
    room.message(message(3, "c"));
    room.message(message(4, "d"));
    assertThat(seen()).containsExactly("1:a");
    fire(CATCH_UP);
    assertThat(seen()).as("not in the transcript either").containsExactly("1:a");
    fire(GIVE_UP);
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
    fire(CATCH_UP); // the first gap's timers, firing late
    fire(GIVE_UP);
    assertThat(seen()).as("5 still waits for 4").containsExactly("1:a", "2:b", "3:c");
    room.message(message(4, "d"));
    assertThat(seen()).containsExactly("1:a", "2:b", "3:c", "4:d", "5:e");
    timers.forEach(t -> t.action().run());
    assertThat(seen()).hasSize(5);
  }

  @Test
  @DisplayName("messages published while the reader moved to another node, never to come live, are read from the transcript: in order, once")
  void gapCaughtUpFromTheTranscript() {
    stored.put(1, message(1, "a"));
    joined(1, message(1, "a"));
    stored.put(2, message(2, "b"));
    stored.put(3, message(3, "c"));
    stored.put(4, message(4, "d"));
    room.message(message(4, "d"));
    assertThat(seen()).as("4 waits for 2 and 3").isEmpty();
    fire(CATCH_UP);
    assertThat(seen()).containsExactly("2:b", "3:c", "4:d");
    room.message(message(3, "c"));
    room.message(message(5, "e"));
    fire(GIVE_UP);
    assertThat(seen()).as("a late live copy, and the give-up of a filled gap, change nothing").containsExactly("2:b", "3:c", "4:d", "5:e");
  }

  @Test
  @DisplayName("the last messages before a quiet moment, published while every node learnt of the reader, are read from the transcript after the join")
  void tailCaughtUpAfterTheJoin() {
    stored.put(1, message(1, "a"));
    room.joinStarted();
    room.joinAnswered(new JsonObject().put("lastSeq", 1).put("messages", new JsonArray().add(message(1, "a"))));
    assertThat(room.joinEnded()).isTrue();
    stored.put(2, message(2, "b")); // stored and published, but not to this reader: no later message shows the gap
    stored.put(3, message(3, "c"));
    assertThat(seen()).isEmpty();
    fire(CATCH_UP);
    assertThat(seen()).containsExactly("2:b", "3:c");
    room.message(message(3, "c"));
    room.message(message(4, "d"));
    assertThat(seen()).as("live copies of what the transcript gave are not written again").containsExactly("2:b", "3:c", "4:d");
  }

  @Test
  @DisplayName("on one node, where a consumer is registered before any frame is read, a join costs no look at the transcript")
  void noLookAfterTheJoinOnOneNode() {
    RoomDelivery single = delivery(false);
    single.joinStarted();
    single.joinAnswered(new JsonObject().put("lastSeq", 0).put("messages", new JsonArray()));
    assertThat(single.joinEnded()).isTrue();
    assertThat(timers).as("no timer, so no read").isEmpty();
    single.message(message(1, "a"));
    assertThat(seen()).containsExactly("1:a");
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
