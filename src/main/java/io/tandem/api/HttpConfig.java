package io.tandem.api;

import io.tandem.config.ConfigReader;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code port} 0 binds an ephemeral port (tests). {@code webrootDir}, when set, serves the web app
 * from that folder instead of the copy on the classpath, re-read on every request: for working on
 * the app without restarting the server.
 */
public record HttpConfig(
    String host, int port, int instances, List<String> allowedOrigins, int maxBodyBytes, Duration shutdownGrace,
    Optional<Path> webrootDir) {
  public static HttpConfig from(ConfigReader r) {
    List<String> origins = r.strings("allowedOrigins");
    for (String origin : origins) {
      URI uri = r.uri("allowedOrigins", origin);
      if (uri.getScheme() == null || uri.getHost() == null || !(uri.getPath() == null || uri.getPath().isEmpty())) {
        throw r.problem("allowedOrigins", "must hold origins like http://localhost:8080 (scheme, host, optional port, no path), got " + origin);
      }
    }
    return new HttpConfig(
        r.nonEmptyString("host"),
        r.intBetween("port", 0, 65535),
        r.intBetween("instances", 1, 64),
        origins,
        r.intBetween("maxBodyBytes", 1024, 16 * 1024 * 1024),
        Duration.ofSeconds(r.intBetween("shutdownGraceSeconds", 0, 600)),
        webrootDir(r));
  }

  private static Optional<Path> webrootDir(ConfigReader r) {
    String dir = r.string("webrootDir");
    if (dir.isEmpty()) {
      return Optional.empty();
    }
    Path path = Path.of(dir).toAbsolutePath().normalize();
    if (!Files.isDirectory(path)) {
      throw r.problem("webrootDir", "must be an existing folder (or empty to serve the app built into Tandem), got " + dir);
    }
    return Optional.of(path);
  }
}
