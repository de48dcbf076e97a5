package io.tandem.db;

import io.tandem.config.ConfigReader;

import java.nio.file.Path;

/**
 * The embedded PostgreSQL. It always runs durable ({@code fsync}, {@code synchronous_commit} and
 * {@code full_page_writes} on); {@code sharedBuffers}, {@code maxWalSize} and
 * {@code checkpointTimeout} are PostgreSQL's own settings, passed as written ("256MB", "15min").
 */
public record EmbeddedDbConfig(Path dataDir, int port, String sharedBuffers, String maxWalSize, String checkpointTimeout) {
  /** Defaults for a throw-away database in tests and tools. */
  public static EmbeddedDbConfig at(Path dataDir, int port) {
    return new EmbeddedDbConfig(dataDir, port, "128MB", "1GB", "5min");
  }

  public static EmbeddedDbConfig from(ConfigReader r) {
    return new EmbeddedDbConfig(Path.of(r.nonEmptyString("dataDir")), r.intBetween("port", 0, 65535),
        r.nonEmptyString("sharedBuffers"), r.nonEmptyString("maxWalSize"), r.nonEmptyString("checkpointTimeout"));
  }
}
