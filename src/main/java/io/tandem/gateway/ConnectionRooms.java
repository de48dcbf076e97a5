package io.tandem.gateway;

import io.tandem.bus.ServerEvent;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.Uuids;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The rooms one connection has joined: room traffic ({@code room.message}, {@code room.signal},
 * {@code room.typing}) goes only to connections that joined the room, and each room's chat is
 * delivered exactly once and in seq order by a {@link RoomDelivery} of the connection's. A room is
 * joined when {@code room.join} is answered, left when {@code room.leave} is, and forgotten
 * {@link #ENDED_ROOM_KEPT_MS} after its {@code session.ended}: an expert's connection can stay open
 * all day through many sessions, and each room remembers up to {@link RoomDelivery#REMEMBERED_SEQS}
 * delivered messages.
 *
 * <p>Lives on its connection's event loop, as the connection does; {@code onLoop} brings a
 * transcript read back to it.
 */
final class ConnectionRooms {
  /** How long a chat message waits for an earlier seq that has not arrived before it is read from the transcript. */
  private static final long CATCH_UP_AFTER_MS = 200;
  /** How long it waits for it at most, transcript or not, before the room goes on without it. */
  private static final long GAP_WAIT_MS = 2000;
  /**
   * How long a room is kept after its {@code session.ended} reached the connection: the last
   * messages, stored before the end committed, are published from another event loop (or node) and
   * may come after it; the room waits as long for them as for any missing seq.
   */
  static final long ENDED_ROOM_KEPT_MS = GAP_WAIT_MS;
  private static final String ROOM_JOIN = "room.join";
  private static final String ROOM_LEAVE = "room.leave";
  private static final String ROOM_MESSAGE = ServerEvent.ROOM_MESSAGE.wireName();
  private static final String SESSION_ENDED = ServerEvent.SESSION_ENDED.wireName();
  private static final Set<String> ROOM_ONLY = Set.of(ROOM_MESSAGE, ServerEvent.ROOM_SIGNAL.wireName(), ServerEvent.ROOM_TYPING.wireName());

  private final ConnectionContext context;
  private final Transcripts transcripts;
  private final Consumer<JsonObject> out;
  private final Consumer<Runnable> onLoop;
  private final RoomDelivery.Timers timers;
  private final boolean clustered;
  /** By session id in canonical form. */
  private final Map<String, RoomDelivery> rooms = new HashMap<>();

  /** {@code out}: the connection's writer; {@code onLoop}: runs an action on the connection's event loop. */
  ConnectionRooms(Vertx vertx, ConnectionContext context, Transcripts transcripts, Consumer<JsonObject> out, Consumer<Runnable> onLoop) {
    this(context, transcripts, out, onLoop, (delay, action) -> vertx.setTimer(delay, t -> action.run()), vertx.isClustered());
  }

  /** {@code timers}: run on the connection's event loop; {@code clustered}: whether rooms look at the transcript's tail after a join. */
  ConnectionRooms(ConnectionContext context, Transcripts transcripts, Consumer<JsonObject> out, Consumer<Runnable> onLoop,
      RoomDelivery.Timers timers, boolean clustered) {
    this.context = context;
    this.transcripts = transcripts;
    this.out = out;
    this.onLoop = onLoop;
    this.timers = timers;
    this.clustered = clustered;
  }

  /** A {@code room.join} or {@code room.leave} under way; {@code joining}: the join's delivery, from now on. */
  record RoomFrame(String room, RoomDelivery joining) {}

  /** The frame is about to be dispatched: a join starts holding the room's chat back until it is answered. Null for other frames. */
  RoomFrame begin(String type, JsonObject frame) {
    boolean join = ROOM_JOIN.equals(type);
    String room = join || ROOM_LEAVE.equals(type) ? canonical(frame.getValue("sessionId")) : null;
    if (room == null) {
      return null;
    }
    RoomDelivery joining = join ? rooms.computeIfAbsent(room, this::delivery) : null;
    if (joining != null) {
      joining.joinStarted();
    }
    return new RoomFrame(room, joining);
  }

  /** The frame was answered with {@code ack}: a join delivers from its transcript on, a leave forgets the room. */
  void answered(RoomFrame frame, JsonObject ack) {
    if (frame == null) {
      return;
    }
    if (frame.joining() != null) {
      frame.joining().joinAnswered(ack);
    } else {
      rooms.remove(frame.room());
    }
  }

  /** The frame is done, answered or failed: a join that did not leave the room joined forgets it. */
  void settled(RoomFrame frame) {
    if (frame != null && frame.joining() != null && !frame.joining().joinEnded()) {
      rooms.remove(frame.room());
    }
  }

  /** A live event for this user: room traffic only for a room joined here, chat in seq order; the rest as it comes. */
  void deliver(JsonObject event) {
    String type = event.getString("type");
    if (!ROOM_ONLY.contains(type)) {
      out.accept(event);
      if (SESSION_ENDED.equals(type)) {
        ended(canonical(event.getValue("sessionId")));
      }
      return;
    }
    RoomDelivery room = rooms.get(canonical(event.getValue("sessionId")));
    if (room == null) {
      return; // this connection is not in that room
    }
    if (ROOM_MESSAGE.equals(type)) {
      room.message(event);
    } else {
      out.accept(event);
    }
  }

  /** How many rooms this connection holds delivery state for. */
  int held() {
    return rooms.size();
  }

  /**
   * The session ended: its room is forgotten once its last messages have had time to come, and the
   * connection's membership at once (a close has no drop of it to record). A room joined again
   * meanwhile (the transcript of an ended session can be read) is the same delivery, and goes too.
   */
  private void ended(String room) {
    if (room == null) {
      return;
    }
    SessionId.parse(room).ifPresent(context.rooms()::ended);
    RoomDelivery delivery = rooms.get(room);
    if (delivery != null) {
      timers.after(ENDED_ROOM_KEPT_MS, () -> rooms.remove(room, delivery));
    }
  }

  private RoomDelivery delivery(String room) {
    return new RoomDelivery(room, out, timers,
        (afterSeq, limit, found) -> transcripts.after(context, room, afterSeq, limit).onComplete(read -> onLoop.accept(() -> {
          if (read.succeeded() && rooms.containsKey(room)) { // not for a room left meanwhile
            found.accept(read.result());
          }
        })), CATCH_UP_AFTER_MS, GAP_WAIT_MS, clustered);
  }

  private static String canonical(Object sessionId) {
    return sessionId instanceof String s ? Uuids.parse(s).map(UUID::toString).orElse(null) : null;
  }
}
