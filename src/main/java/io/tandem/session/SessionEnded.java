package io.tandem.session;

import io.tandem.bus.ServerEvent;
import io.tandem.bus.UserEvent;
import io.tandem.kernel.UserId;
import io.vertx.core.json.JsonObject;

/**
 * {@code session.ended}, the one shape every way of ending sends: {@code endedBy} is who ended,
 * abandoned or failed to show (null when nobody in particular); {@code reason}, why a session that
 * ended by itself did (null otherwise); the duration counts from the start, 0 for a session that
 * never started; {@code payment}, what it cost the client and earned the expert.
 */
public record SessionEnded(SessionRecord session, UserId endedBy, SessionEnd reason, OutcomeTable.Payment payment, String currency)
    implements UserEvent {
  @Override
  public ServerEvent type() {
    return ServerEvent.SESSION_ENDED;
  }

  @Override
  public JsonObject fields() {
    JsonObject event = new JsonObject()
        .put("sessionId", session.id().toString())
        .put("status", session.status().wireName())
        .put("durationSeconds", session.durationSeconds());
    if (endedBy != null) {
      event.put("endedBy", endedBy.toString());
    }
    if (reason != null) {
      event.put("reason", reason.wireName());
    }
    return event.put("payment", payment.toJson(currency));
  }
}
