package io.tandem.webhook;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * One event's delivery to one subscription, as its log shows it: {@code state} pending, delivered
 * or gave_up; the attempts so far with the last answer ({@code lastStatus}, or {@code lastError});
 * the instants are null until they happen.
 */
public record Delivery(UUID eventId, long seq, String type, UUID orderingKey, Instant occurredAt, String state, int attempts,
    Integer lastStatus, String lastError, Instant nextAttemptAt, Instant lastAttemptAt, Instant deliveredAt) {
  /** An entry of {@code GET /api/v1/admin/webhooks/{id}/deliveries}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("eventId", eventId.toString())
        .put("seq", seq)
        .put("type", type)
        .put("orderingKey", orderingKey.toString())
        .put("occurredAt", occurredAt.toString())
        .put("state", state)
        .put("attempts", attempts)
        .put("lastStatus", lastStatus)
        .put("lastError", lastError)
        .put("nextAttemptAt", text(nextAttemptAt))
        .put("lastAttemptAt", text(lastAttemptAt))
        .put("deliveredAt", text(deliveredAt));
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }
}
