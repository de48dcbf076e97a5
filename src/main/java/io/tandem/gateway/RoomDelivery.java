package io.tandem.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat of one room as one connection delivers it: each seq once, in order. Plain Java: the
 * connection hands it live {@code room.message} events and the answers to its {@code room.join}s,
 * and it writes to {@code out}; the only time it needs is a timer for gaps. Not thread-safe: a
 * connection uses it from its own event loop only.
 *
 * <ul>
 *   <li>While a {@code room.join} is being answered, live messages wait; messages the join
 *       returned are not written again.
 *   <li>A message that overtook an earlier one waits for it a moment ({@code catchUpAfterMs}),
 *       then the missing seqs are read from the stored transcript ({@link Transcript}) and written
 *       in order: a publication can be lost (a clustered event bus learns of a new consumer on
 *       another node a little late: a reader that just moved to a node after another died misses
 *       what was published meanwhile), the transcript cannot. What neither brought within
 *       {@code gapWaitMs} is given up on, so that a room never stalls; a missing seq that arrives
 *       after that is still written, late, once: its sender's store may have outlived a database
 *       outage and been re-sent, and the client places it by seq.
 *   <li>A seq is never reused while the database keeps what it acknowledged (it commits durably).
 *       Should an acknowledged write be lost anyway (a database restored from an old backup, a
 *       disk that lied), the seqs after the last surviving message are handed out again, and a
 *       plain "seen it" check would hide the new messages from everyone who saw the lost ones
 *       live, so that the two sides' transcripts diverge for good. So this remembers who sent each
 *       recent seq: a seq it delivered that comes again from another sender or
 *       {@code clientMsgId}, or a join whose {@code lastSeq} is below what it delivered, means the
 *       transcript went back, and delivery resumes from there. The client does the same
 *       (docs/protocol.md, "When a transcript goes back").
 * </ul>
 */
final class RoomDelivery {
  private static final Logger log = LoggerFactory.getLogger(RoomDelivery.class);
  /** How many delivered seqs are remembered to tell a reused seq from a duplicate. */
  static final int REMEMBERED_SEQS = 256;
  /** How many stored messages the look after a join reads at most (more than a join's moment can miss). */
  static final int TAIL_LIMIT = 100;

  /** Runs {@code action} once after {@code delayMs}. */
  interface Timers {
    void after(long delayMs, Runnable action);
  }

  /** The stored transcript: the room.message events after {@code afterSeq}, at most {@code limit}, handed to {@code found} (nothing on failure). */
  interface Transcript {
    void after(int afterSeq, int limit, Consumer<List<JsonObject>> found);
  }

  private final String room;
  private final Consumer<JsonObject> out;
  private final Timers timers;
  private final Transcript transcript;
  private final long catchUpAfterMs;
  private final long gapWaitMs;
  private final boolean lookAfterJoin;
  private final List<JsonObject> held = new ArrayList<>();
  private final TreeMap<Integer, JsonObject> early = new TreeMap<>();
  private final TreeMap<Integer, String> senders = new TreeMap<>();
  /** Seqs a given-up gap skipped, never written: written late if they come (at most {@link #REMEMBERED_SEQS}). */
  private final TreeSet<Integer> skipped = new TreeSet<>();
  private boolean joined;
  private int joins;
  private int next = 1;
  private boolean gapTimerSet;
  /**
   * Which gap the timer set last is for. A timer cannot be cancelled through {@link Timers}: when
   * its gap fills in time it still fires, and must not cut short the wait of a later gap.
   */
  private int gapGeneration;

  /**
   * {@code lookAfterJoin}: read the transcript's tail once {@code catchUpAfterMs} after each join.
   * Only a cluster needs it: another node may not know this node's relay of user events yet (it
   * has just started, or the two were cut off), and what it published meanwhile never comes live.
   * On one node the connection's consumer is registered before any frame is read, so whatever the
   * join's read did not see comes live, and the look would be a read of nothing (two per consultation).
   */
  RoomDelivery(String room, Consumer<JsonObject> out, Timers timers, Transcript transcript, long catchUpAfterMs, long gapWaitMs,
      boolean lookAfterJoin) {
    this.room = room;
    this.out = out;
    this.timers = timers;
    this.transcript = transcript;
    this.catchUpAfterMs = catchUpAfterMs;
    this.gapWaitMs = gapWaitMs;
    this.lookAfterJoin = lookAfterJoin;
  }

  /** A {@code room.join} was sent: live messages wait until it is answered. */
  void joinStarted() {
    joins++;
  }

  /** A {@code room.join} succeeded with this ack: delivery continues after its {@code lastSeq}. */
  void joinAnswered(JsonObject ack) {
    joined = true;
    int lastSeq = ack.getInteger("lastSeq", 0);
    if (lastSeq + 1 < next) {
      log.warn("session {}: the transcript ends at seq {}, but seq {} was delivered before; it went back, delivery resumes after {}",
          room, lastSeq, next - 1, lastSeq);
      goBackTo(lastSeq + 1);
    }
    next = Math.max(next, lastSeq + 1);
    JsonArray returned = ack.getJsonArray("messages", new JsonArray());
    for (int i = 0; i < returned.size(); i++) {
      remember(returned.getJsonObject(i));
    }
  }

  /**
   * A {@code room.join} was answered, well or not. When no join is pending any more, what waited
   * is delivered; answers whether the room is still joined (false: no join ever succeeded, forget it).
   */
  boolean joinEnded() {
    if (--joins > 0) {
      return true;
    }
    List<JsonObject> waited = new ArrayList<>(held);
    held.clear();
    if (!joined) {
      return false;
    }
    waited.forEach(this::message);
    // What was published between the join's read and the moment every node knew of this
    // connection never comes live, and with no later message no gap shows it: look once.
    if (lookAfterJoin) {
      timers.after(catchUpAfterMs, this::catchUpTail);
    }
    return true;
  }

  /** A moment after a join: the stored messages after what was delivered, in case the last ones did not come live. */
  private void catchUpTail() {
    transcript.after(next - 1, TAIL_LIMIT, found -> found.forEach(this::message));
  }

  /** A live {@code room.message} of this room. */
  void message(JsonObject message) {
    if (joins > 0) {
      held.add(message);
      return;
    }
    int seq = message.getInteger("seq", 0);
    if (seq < next && skipped.remove(seq)) {
      write(message);
      return;
    }
    if (seq < next && isCopy(seq, message)) {
      return;
    }
    early.put(seq, message);
    while (!early.isEmpty() && early.firstKey() == next) {
      write(early.pollFirstEntry().getValue());
      next++;
    }
    if (early.isEmpty()) {
      gapTimerSet = false; // the gap filled: its timer, when it fires, finds a newer generation
    } else if (!gapTimerSet) {
      gapTimerSet = true;
      int generation = ++gapGeneration;
      timers.after(catchUpAfterMs, () -> catchUp(generation));
      timers.after(gapWaitMs, () -> giveUpOnGap(generation));
    }
  }

  /** The gap is still open a moment later: its messages are read from the transcript, and go out in order. */
  private void catchUp(int generation) {
    if (!gapTimerSet || generation != gapGeneration || early.isEmpty()) {
      return;
    }
    int from = next;
    int missing = early.firstKey() - from;
    log.debug("session {}: seqs {} to {} did not come live; reading them from the transcript", room, from, early.firstKey() - 1);
    transcript.after(from - 1, missing, found -> found.forEach(this::message));
  }

  /** The gap was not filled in time: what waited goes out, and delivery continues after it. */
  private void giveUpOnGap(int generation) {
    if (!gapTimerSet || generation != gapGeneration) {
      return;
    }
    gapTimerSet = false;
    early.values().forEach(this::write);
    if (!early.isEmpty()) {
      for (int seq = next; seq < early.lastKey(); seq++) {
        if (!early.containsKey(seq)) {
          skipped.add(seq);
        }
      }
      while (skipped.size() > REMEMBERED_SEQS) {
        skipped.pollFirst();
      }
      next = early.lastKey() + 1;
    }
    early.clear();
  }

  /** True if {@code message}, older than {@link #next}, is a copy of what was delivered, not a reused seq. */
  private boolean isCopy(int seq, JsonObject message) {
    String sender = senders.get(seq);
    if (sender == null || sender.equals(sender(message))) {
      return true; // older than what is remembered: a late copy
    }
    log.warn("session {}: seq {} came again from another message; the transcript went back, delivery resumes at {}", room, seq, seq);
    goBackTo(seq);
    return false;
  }

  private void write(JsonObject message) {
    remember(message);
    out.accept(message);
  }

  private void remember(JsonObject message) {
    senders.put(message.getInteger("seq", 0), sender(message));
    if (senders.size() > REMEMBERED_SEQS) {
      senders.pollFirstEntry();
    }
  }

  private void goBackTo(int seq) {
    next = seq;
    senders.tailMap(seq, true).clear();
    skipped.tailSet(seq, true).clear();
    early.headMap(seq).clear();
  }

  private static String sender(JsonObject message) {
    return message.getString("from") + "/" + message.getString("clientMsgId");
  }
}
