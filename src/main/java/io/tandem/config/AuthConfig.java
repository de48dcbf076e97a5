package io.tandem.config;

import java.nio.file.Path;
import java.time.Duration;
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
  static AuthConfig from(ConfigReader r) {
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
        r.admins("admins"));
  }
}
