package io.tandem.gateway;

import io.tandem.kernel.SessionId;
import io.tandem.kernel.UserId;
import io.tandem.session.ChatMessage;
import io.tandem.session.RoomService;
import io.tandem.wire.JsonInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The room frames of the protocol ({@code room.*}, {@code session.checkin}, {@code session.end}):
 * each read into the typed call of {@link RoomService} it stands for, every field checked here,
 * and the answer rendered as the contract's {@code ack} fields (docs/protocol.md).
 */
final class RoomFrames {
  private final RoomService rooms;

  RoomFrames(RoomService rooms) {
    this.rooms = rooms;
  }

  FrameDispatcher mount(FrameDispatcher dispatcher) {
    return dispatcher
        .on("room.join", (from, frame) -> rooms.join(from.user(), from.rooms(), sessionId(frame),
                frame.optionalInt("afterSeq", 0, Integer.MAX_VALUE).orElse(0))
            .map(RoomFrames::joined))
        .on("room.send", (from, frame) -> {
          SessionId id = sessionId(frame);
          String clientMsgId = frame.requiredString("clientMsgId", 1, 64);
          String text = frame.requiredString("text", 1, RoomService.MAX_TEXT_LENGTH);
          return rooms.send(from.user(), id, clientMsgId, text)
              .map(message -> new JsonObject().put("seq", message.seq()).put("sentAt", message.sentAt().toString()));
        })
        .on("room.signal", (from, frame) -> {
          SessionId id = sessionId(frame);
          Object signal = frame.json().getValue("signal");
          if (signal == null) {
            throw frame.invalid("signal", "is required (an SDP offer or answer, an ICE candidate, or a hangup)");
          }
          return rooms.signal(from.user(), id, signal).map(new JsonObject());
        })
        .on("room.typing", (from, frame) -> rooms.typing(from.user(), from.rooms(), sessionId(frame)).map(new JsonObject()))
        .on("room.leave", (from, frame) -> rooms.leave(from.user(), from.rooms(), sessionId(frame)).map(new JsonObject()))
        .on("session.checkin", (from, frame) -> {
          SessionId id = sessionId(frame);
          return rooms.checkIn(from.user(), id, frame.requiredLocation("location")).map(new JsonObject().put("checkedIn", true));
        })
        .on("session.end", (from, frame) -> rooms.end(from.user(), sessionId(frame)).map(ending -> {
          JsonObject ack = new JsonObject().put("status", ending.session().status().wireName());
          return ending.endedNow() ? ack.put("durationSeconds", ending.session().durationSeconds()) : ack;
        }));
  }

  /** The {@code room.join} ack: the participants with their online state, the messages, and the transcript's last seq. */
  private static JsonObject joined(RoomService.Room room) {
    return new JsonObject()
        .put("sessionId", room.session().id().toString())
        .put("status", room.session().status().wireName())
        .put("participants", new JsonArray()
            .add(participant(room.session().clientId(), "client", room))
            .add(participant(room.session().expertId(), "expert", room)))
        .put("messages", new JsonArray(room.messages().stream().map(ChatMessage::toJson).toList()))
        .put("lastSeq", room.lastSeq());
  }

  private static JsonObject participant(UserId user, String role, RoomService.Room room) {
    return new JsonObject().put("userId", user.toString()).put("role", role).put("online", room.online().contains(user));
  }

  private static SessionId sessionId(JsonInput frame) {
    String text = frame.requiredString("sessionId", 1, 64);
    return SessionId.parse(text).orElseThrow(() -> frame.invalid("sessionId", "is not a session id"));
  }
}
