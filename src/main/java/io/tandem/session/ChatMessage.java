package io.tandem.session;

import io.tandem.kernel.SessionId;
import io.tandem.kernel.UserId;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One stored chat message. */
public record ChatMessage(SessionId sessionId, int seq, UserId from, String text, Instant sentAt, String clientMsgId) {
  /** The transcript entry; {@link #toEvent()} adds what a live {@code room.message} carries. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("seq", seq)
        .put("from", from.toString())
        .put("text", text)
        .put("sentAt", sentAt.toString())
        .put("clientMsgId", clientMsgId);
  }

  public JsonObject toEvent() {
    return toJson().put("sessionId", sessionId.toString());
  }
}
