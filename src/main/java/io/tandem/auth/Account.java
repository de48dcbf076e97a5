package io.tandem.auth;

import io.tandem.kernel.UserId;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

public record Account(UserId id, String username, Role role, String displayName, Instant createdAt) {
  /** The public shape of {@code POST /api/v1/accounts}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("username", username)
        .put("role", role.wireName())
        .put("displayName", displayName);
  }
}
