package io.tandem.config;

/** {@code seedEnabled} mounts {@code POST /api/v1/loadtest/seed}; never on a production server. */
public record LoadTestConfig(boolean seedEnabled) {
  static LoadTestConfig from(ConfigReader r) {
    return new LoadTestConfig(r.bool("seedEnabled"));
  }
}
