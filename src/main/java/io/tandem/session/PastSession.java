package io.tandem.session;

import io.tandem.kernel.Mode;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.SessionStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.reliability.Ratings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One of a person's sessions as their history lists it: {@code asClient}, whether they were its
 * client; {@code peer}, the other participant; the client's rating, if they gave one.
 * {@code startedAt} and {@code endedAt} are null until they happen.
 */
public record PastSession(SessionId id, UUID requestId, UUID bookingId, Topic topic, Mode mode, SessionStatus status, boolean asClient, UserId peerId,
    String peerName, Instant createdAt, Instant startedAt, Instant endedAt, Optional<Rating> rating) {

  /** The client's rating of the session: stars, the comment if any, and where its moderation as a review stands. */
  public record Rating(int stars, String comment, Ratings.Moderation moderation) {}

  /** One entry of {@code GET /api/v1/me/sessions}. */
  public JsonObject toJson() {
    return SessionRecord.origin(new JsonObject().put("id", id.value().toString()), requestId, bookingId)
        .put("topic", topic.value())
        .put("mode", mode.wireName())
        .put("status", status.wireName())
        .put("role", asClient ? "client" : "expert")
        .put("peer", new JsonObject().put("id", peerId.value().toString()).put("displayName", peerName))
        .put("createdAt", Objects.toString(createdAt, null))
        .put("startedAt", Objects.toString(startedAt, null))
        .put("endedAt", Objects.toString(endedAt, null))
        .put("rating", rating.map(r -> new JsonObject().put("stars", r.stars()).put("comment", r.comment())
            .put("moderation", r.moderation().wireName())).orElse(null));
  }

  /** {@code GET /api/v1/me/sessions}: {@code {sessions: [...]}}. */
  public static JsonObject listJson(List<PastSession> sessions) {
    return new JsonObject().put("sessions", new JsonArray(sessions.stream().map(PastSession::toJson).toList()));
  }
}
