package io.tandem.session;

import io.tandem.kernel.Mode;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.SessionStatus;
import io.tandem.kernel.UserId;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A session as stored; timestamps are null until they happen; {@code price} (with the platform's
 * part) was held at match, or at booking. Born of a request ({@code requestId}; {@code bookingId}
 * null) or of a booking ({@code bookingId}, the session's own id; {@code requestId} null).
 */
public record SessionRecord(
    SessionId id,
    UUID requestId,
    UUID bookingId,
    UserId clientId,
    UserId expertId,
    Mode mode,
    SessionStatus status,
    Instant joinDeadline,
    Instant startedAt,
    Instant endedAt,
    int lastSeq,
    long price,
    long platformFee) {

  public boolean open() {
    return status.open();
  }

  public boolean hasParticipant(UserId user) {
    return clientId.equals(user) || expertId.equals(user);
  }

  public Optional<UserId> peerOf(UserId user) {
    if (clientId.equals(user)) {
      return Optional.of(expertId);
    }
    return expertId.equals(user) ? Optional.of(clientId) : Optional.empty();
  }

  public String roleOf(UserId user) {
    return clientId.equals(user) ? "client" : "expert";
  }

  /** How long it ran: from the start to its end (or now), 0 for a session that never started. */
  public long durationSeconds() {
    return startedAt == null ? 0 : Duration.between(startedAt, endedAt == null ? Instant.now() : endedAt).toSeconds();
  }

  /** Whether it was opened from a booking rather than matched from a request: nothing to requeue when its expert fails. */
  public boolean booked() {
    return bookingId != null;
  }

  /** {@code GET /api/v1/sessions/{id}}. */
  public JsonObject toJson() {
    JsonObject json = origin(new JsonObject().put("id", id.toString()), requestId, bookingId)
        .put("clientId", clientId.toString())
        .put("expertId", expertId.toString())
        .put("mode", mode.wireName())
        .put("status", status.wireName())
        .put("joinDeadline", joinDeadline.toString());
    if (startedAt != null) {
      json.put("startedAt", startedAt.toString());
    }
    if (endedAt != null) {
      json.put("endedAt", endedAt.toString());
    }
    return json;
  }

  /** A session's origin as the contract gives it: {@code requestId} when matched from a request, {@code bookingId} when booked. */
  public static JsonObject origin(JsonObject json, UUID requestId, UUID bookingId) {
    if (requestId != null) {
      json.put("requestId", requestId.toString());
    }
    if (bookingId != null) {
      json.put("bookingId", bookingId.toString());
    }
    return json;
  }
}
