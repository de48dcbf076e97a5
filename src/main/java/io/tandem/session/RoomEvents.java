package io.tandem.session;

import io.tandem.bus.ServerEvent;
import io.tandem.bus.UserEvents;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.UserId;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The room's events to its participants, each in the shape docs/protocol.md gives it: what
 * {@link RoomService} tells, so that it says what happened and this class says how.
 */
final class RoomEvents {
  private final UserEvents users;

  RoomEvents(UserEvents users) {
    this.users = users;
  }

  /** {@code room.message} to both: stored, and delivered to every device of each. */
  void message(SessionRecord session, ChatMessage message) {
    users.send(session.clientId(), ServerEvent.ROOM_MESSAGE, message.toEvent());
    users.send(session.expertId(), ServerEvent.ROOM_MESSAGE, message.toEvent());
  }

  /** {@code room.signal} to the peer only: an opaque WebRTC signal, never stored. */
  void signal(UserId to, SessionId session, UserId from, Object signal) {
    users.send(to, ServerEvent.ROOM_SIGNAL, new JsonObject().put("sessionId", session.toString()).put("from", from.toString()).put("signal", signal));
  }

  /** {@code room.typing} to the peer only. */
  void typing(UserId to, SessionId session, UserId from) {
    users.send(to, ServerEvent.ROOM_TYPING, new JsonObject().put("sessionId", session.toString()).put("from", from.toString()));
  }

  /** {@code session.ending} to both: the session ends by itself at {@code endsAt}, for {@code reason}. */
  void ending(SessionRecord session, SessionEnd reason, Instant endsAt) {
    JsonObject event = new JsonObject().put("sessionId", session.id().toString()).put("reason", reason.wireName()).put("endsAt", endsAt.toString());
    users.send(session.clientId(), ServerEvent.SESSION_ENDING, event);
    users.send(session.expertId(), ServerEvent.SESSION_ENDING, event);
  }

  /** {@code session.active} to both, on every device: the session started (no app needs to ask). */
  void active(SessionRecord session) {
    JsonObject event = new JsonObject().put("sessionId", session.id().toString())
        .put("startedAt", (session.startedAt() == null ? Instant.now() : session.startedAt()).toString());
    users.send(session.clientId(), ServerEvent.SESSION_ACTIVE, event);
    users.send(session.expertId(), ServerEvent.SESSION_ACTIVE, event);
  }

  /** {@code room.presence} to both participants, so every device of the mover learns it too. */
  void presence(SessionId session, UserId who, UserId peer, String state) {
    JsonObject event = new JsonObject().put("sessionId", session.toString()).put("userId", who.toString()).put("state", state);
    users.send(peer, ServerEvent.ROOM_PRESENCE, event);
    users.send(who, ServerEvent.ROOM_PRESENCE, event);
  }
}
