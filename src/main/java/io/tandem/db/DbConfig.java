package io.tandem.db;

import io.tandem.config.ConfigReader;

import java.net.URI;
import java.time.Duration;

/**
 * An empty {@code url} starts the embedded PostgreSQL. {@code statementTimeout} is PostgreSQL's
 * {@code statement_timeout} on every connection; a caller (an HTTP request, a WebSocket frame)
 * waits at most {@link #callTimeout()} for the database before it is answered {@code unavailable}.
 */
public record DbConfig(String url, int poolSize, Duration statementTimeout, Duration acquireTimeout, EmbeddedDbConfig embedded) {
  public boolean useEmbedded() {
    return url.isEmpty();
  }

  /** Waiting for a pool connection, then for the statements: the longest a caller is kept waiting. */
  public Duration callTimeout() {
    return acquireTimeout.plus(statementTimeout);
  }

  public static DbConfig from(ConfigReader r) {
    String url = r.string("url");
    if (!url.isEmpty()) {
      URI uri = r.uri("url", url);
      if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme()) || uri.getHost() == null) {
        throw r.problem("url", "must look like postgresql://user:password@host:5432/database");
      }
    }
    return new DbConfig(url, r.intBetween("poolSize", 1, 512),
        Duration.ofMillis(r.intBetween("statementTimeoutMs", 100, 600_000)),
        Duration.ofMillis(r.intBetween("acquireTimeoutMs", 100, 600_000)),
        EmbeddedDbConfig.from(r.section("embedded")));
  }
}
