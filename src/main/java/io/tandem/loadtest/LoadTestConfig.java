package io.tandem.loadtest;

import io.tandem.config.ConfigReader;

/** {@code seedEnabled} mounts {@code POST /api/v1/loadtest/seed}; never on a production server. */
public record LoadTestConfig(boolean seedEnabled) {
  public static LoadTestConfig from(ConfigReader r) {
    return new LoadTestConfig(r.bool("seedEnabled"));
  }
}
