package io.tandem.session;

import io.tandem.bus.ServerEvent;
import io.tandem.bus.UserEvent;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.UserId;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One stored chat message; as an event, the live {@code room.message}. */
public record ChatMessage(SessionId sessionId, int seq, UserId from, String text, Instant sentAt, String clientMsgId) implements UserEvent {
  /** The transcript entry; {@link #fields()} adds what a live {@code room.message} carries. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("seq", seq)
        .put("from", from.toString())
        .put("text", text)
        .put("sentAt", sentAt.toString())
        .put("clientMsgId", clientMsgId);
  }

  @Override
  public ServerEvent type() {
    return ServerEvent.ROOM_MESSAGE;
  }

  @Override
  public JsonObject fields() {
    return toJson().put("sessionId", sessionId.toString());
  }
}
