package io.tandem.auth;

import io.tandem.kernel.UserId;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/** An account; {@code email} is where reminders go by e-mail, empty until its owner gave one. */
public record Account(UserId id, String username, Role role, String displayName, Instant createdAt, Optional<String> email) {
  /** The public shape of {@code POST /api/v1/accounts}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("username", username)
        .put("role", role.wireName())
        .put("displayName", displayName);
  }
}
