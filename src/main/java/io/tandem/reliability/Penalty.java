package io.tandem.reliability;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** A penalty as its person and operators see it: what for, how many points, whether it still counts. */
public record Penalty(UUID id, String kind, int points, String reason, Instant createdAt, boolean waived, Optional<UUID> sessionId) {
  /** A row of {@code penalties}. */
  public static Penalty of(Row row) {
    return new Penalty(row.getUUID("id"), row.getString("kind"), row.getInteger("points"), row.getString("reason"),
        row.getOffsetDateTime("created_at").toInstant(), row.getBoolean("waived"), Optional.ofNullable(row.getUUID("session_id")));
  }

  /** The contract's {@code Penalty}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id.toString())
        .put("kind", kind)
        .put("points", points)
        .put("reason", reason)
        .put("createdAt", createdAt.toString())
        .put("waived", waived);
    sessionId.ifPresent(session -> json.put("sessionId", session.toString()));
    return json;
  }
}
