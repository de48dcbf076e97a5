package io.tandem.auth;

import io.tandem.config.ConfigReader;

/** Argon2id cost; the defaults are OWASP's minimum (19 MiB, 2 passes, 1 lane). */
public record PasswordHashConfig(int memoryKib, int iterations, int parallelism) {
  public static PasswordHashConfig from(ConfigReader r) {
    return new PasswordHashConfig(
        r.intBetween("memoryKib", 8, 1024 * 1024), r.intBetween("iterations", 1, 100), r.intBetween("parallelism", 1, 16));
  }
}
