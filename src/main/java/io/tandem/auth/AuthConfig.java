package io.tandem.auth;

import io.tandem.config.ConfigReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code jwtSecret}, when set, is the base64 HMAC key shared by every node (at least 32 bytes);
 * when empty, the key is read from {@code jwtSecretFile}, generated there on first start.
 */
public record AuthConfig(
    String issuer,
    String audience,
    Duration accessTokenTtl,
    Duration refreshTokenTtl,
    byte[] jwtSecret,
    Path jwtSecretFile,
    PasswordHashConfig passwordHash,
    List<Admin> admins) {
  public static AuthConfig from(ConfigReader r) {
    String secret = r.string("jwtSecret");
    byte[] key = null;
    if (!secret.isEmpty()) {
      try {
        key = Base64.getDecoder().decode(secret);
      } catch (IllegalArgumentException e) {
        throw r.problem("jwtSecret", "must be base64");
      }
      if (key.length < 32) {
        throw r.problem("jwtSecret", "must decode to at least 32 bytes, got " + key.length);
      }
    }
    return new AuthConfig(
        r.nonEmptyString("issuer"),
        r.nonEmptyString("audience"),
        Duration.ofSeconds(r.intBetween("accessTokenSeconds", 30, 24 * 3600)),
        Duration.ofDays(r.intBetween("refreshTokenDays", 1, 365)),
        key,
        Path.of(r.nonEmptyString("jwtSecretFile")),
        PasswordHashConfig.from(r.section("passwordHash")),
        admins(r, "admins"));
  }

  /** Administrators: {@code [{"username": "...", "passwordHash": "$argon2id$..."}]}. */
  private static List<Admin> admins(ConfigReader r, String key) {
    if (!(r.value(key) instanceof JsonArray array)) {
      throw r.problem(key, "must be a list of {username, passwordHash}, got " + r.value(key));
    }
    List<Admin> admins = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof JsonObject admin) || !(admin.getValue("username") instanceof String name) || name.isBlank()
          || !(admin.getValue("passwordHash") instanceof String hash) || !hash.startsWith("$argon2id$")) {
        throw r.problem(key, "must hold objects {\"username\": ..., \"passwordHash\": \"$argon2id$...\"}, got " + item);
      }
      admins.add(new Admin(name.trim(), hash));
    }
    return List.copyOf(admins);
  }

}
