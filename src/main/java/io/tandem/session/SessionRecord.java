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

/** A session as stored; timestamps are null until they happen; {@code price} (with the platform's part) was held at match. */
public record SessionRecord(
    SessionId id,
    UUID requestId,
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

  /**
   * The {@code session.ended} event, the one shape every way of ending sends: {@code by} is who
   * ended, abandoned or failed to show (null when nobody in particular), the duration counts from
   * the start, 0 for a session that never started.
   */
  public JsonObject endedEvent(UserId by) {
    return endedEvent(by, null);
  }

  /** {@link #endedEvent(UserId)} of a session that ended by itself, saying why. */
  public JsonObject endedEvent(UserId by, SessionEnd reason) {
    long seconds = durationSeconds();
    JsonObject event = new JsonObject()
        .put("sessionId", id.toString())
        .put("status", status.wireName())
        .put("durationSeconds", seconds);
    if (by != null) {
      event.put("endedBy", by.toString());
    }
    if (reason != null) {
      event.put("reason", reason.wireName());
    }
    return event;
  }

  /** How long it ran: from the start to its end (or now), 0 for a session that never started. */
  public long durationSeconds() {
    return startedAt == null ? 0 : Duration.between(startedAt, endedAt == null ? Instant.now() : endedAt).toSeconds();
  }

  /** {@code GET /api/v1/sessions/{id}}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id.toString())
        .put("requestId", requestId.toString())
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
}
