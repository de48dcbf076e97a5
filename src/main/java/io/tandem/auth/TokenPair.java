package io.tandem.auth;

import io.vertx.core.json.JsonObject;

/** What {@code POST /api/v1/tokens} and {@code /tokens/refresh} answer. */
public record TokenPair(String accessToken, String refreshToken, long expiresInSeconds) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("accessToken", accessToken)
        .put("refreshToken", refreshToken)
        .put("tokenType", "Bearer")
        .put("expiresIn", expiresInSeconds);
  }
}
