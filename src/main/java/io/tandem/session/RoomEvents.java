package io.tandem.session;

import io.tandem.bus.ServerEvent;
import io.tandem.bus.UserEvent;
import io.tandem.bus.UserEvents;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.UserId;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The room's events to its participants, each a record rendering the shape docs/protocol.md gives
 * it: what {@link RoomService} tells, so that it says what happened and these say how it looks.
 */
final class RoomEvents {
  private final UserEvents users;

  RoomEvents(UserEvents users) {
    this.users = users;
  }

  /** {@code room.signal}: an opaque WebRTC signal (any JSON value), to the peer only, never stored. */
  record RoomSignal(SessionId sessionId, UserId from, Object signal) implements UserEvent {
    @Override
    public ServerEvent type() {
      return ServerEvent.ROOM_SIGNAL;
    }

    @Override
    public JsonObject fields() {
      return new JsonObject().put("sessionId", sessionId.toString()).put("from", from.toString()).put("signal", signal);
    }
  }

  /** {@code room.typing}, to the peer only. */
  record RoomTyping(SessionId sessionId, UserId from) implements UserEvent {
    @Override
    public ServerEvent type() {
      return ServerEvent.ROOM_TYPING;
    }

    @Override
    public JsonObject fields() {
      return new JsonObject().put("sessionId", sessionId.toString()).put("from", from.toString());
    }
  }

  /** {@code session.ending}: the session ends by itself at {@code endsAt}, for {@code reason}. */
  record SessionEnding(SessionId sessionId, SessionEnd reason, Instant endsAt) implements UserEvent {
    @Override
    public ServerEvent type() {
      return ServerEvent.SESSION_ENDING;
    }

    @Override
    public JsonObject fields() {
      return new JsonObject().put("sessionId", sessionId.toString()).put("reason", reason.wireName()).put("endsAt", endsAt.toString());
    }
  }

  /** {@code session.active}: the session started (both joined, or checked in). */
  record SessionActive(SessionId sessionId, Instant startedAt) implements UserEvent {
    @Override
    public ServerEvent type() {
      return ServerEvent.SESSION_ACTIVE;
    }

    @Override
    public JsonObject fields() {
      return new JsonObject().put("sessionId", sessionId.toString()).put("startedAt", startedAt.toString());
    }
  }

  /** {@code room.presence}: who joined, left, dropped or came back. */
  record RoomPresence(SessionId sessionId, UserId who, String state) implements UserEvent {
    @Override
    public ServerEvent type() {
      return ServerEvent.ROOM_PRESENCE;
    }

    @Override
    public JsonObject fields() {
      return new JsonObject().put("sessionId", sessionId.toString()).put("userId", who.toString()).put("state", state);
    }
  }

  /** {@code room.message} to both: stored, and delivered to every device of each. */
  void message(SessionRecord session, ChatMessage message) {
    users.send(session.clientId(), message);
    users.send(session.expertId(), message);
  }

  /** {@code room.signal} to the peer only. */
  void signal(UserId to, SessionId session, UserId from, Object signal) {
    users.send(to, new RoomSignal(session, from, signal));
  }

  /** {@code room.typing} to the peer only. */
  void typing(UserId to, SessionId session, UserId from) {
    users.send(to, new RoomTyping(session, from));
  }

  /** {@code session.ending} to both. */
  void ending(SessionRecord session, SessionEnd reason, Instant endsAt) {
    SessionEnding event = new SessionEnding(session.id(), reason, endsAt);
    users.send(session.clientId(), event);
    users.send(session.expertId(), event);
  }

  /** {@code session.active} to both, on every device: the session started (no app needs to ask). */
  void active(SessionRecord session) {
    SessionActive event = new SessionActive(session.id(), session.startedAt() == null ? Instant.now() : session.startedAt());
    users.send(session.clientId(), event);
    users.send(session.expertId(), event);
  }

  /** {@code room.presence} to both participants, so every device of the mover learns it too. */
  void presence(SessionId session, UserId who, UserId peer, String state) {
    RoomPresence event = new RoomPresence(session, who, state);
    users.send(peer, event);
    users.send(who, event);
  }
}
