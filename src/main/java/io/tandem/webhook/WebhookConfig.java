package io.tandem.webhook;

import io.tandem.config.ConfigReader;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Lifecycle webhooks (docs/operations.md, "Webhooks"). {@code url}, when set, is a subscription kept
 * in step with this configuration at every start, signed with {@code secret} and limited to
 * {@code events} (empty: all); more come from the admin API. Each node claims up to
 * {@code batchSize} due deliveries every {@code pollInterval}, sends each with {@code timeout},
 * and retries a failure after {@code initialBackoff}, doubling up to {@code maxBackoff}, until
 * the event is {@code giveUpAfter} old. Settled deliveries are kept {@code retention} for the log.
 */
public record WebhookConfig(String url, String secret, List<String> events, Duration pollInterval, int batchSize,
    Duration timeout, Duration initialBackoff, Duration maxBackoff, Duration giveUpAfter, Duration retention) {
  /** The shortest signing secret taken, from configuration or the admin API. */
  public static final int MIN_SECRET_CHARS = 16;

  public boolean subscribed() {
    return !url.isEmpty();
  }

  /** An absolute http or https URL with a host: what a subscription may point at, from configuration or the admin API. */
  public static boolean validUrl(String url) {
    try {
      URI uri = new URI(url);
      return url.length() <= 2000 && uri.getHost() != null
          && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()));
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  public static WebhookConfig from(ConfigReader r) {
    String url = r.string("url");
    if (!url.isEmpty() && !validUrl(url)) {
      throw r.problem("url", "must be an http:// or https:// URL, got " + url);
    }
    String secret = r.string("secret");
    if (!url.isEmpty() && secret.length() < MIN_SECRET_CHARS) {
      throw r.problem("secret", "must be set, " + MIN_SECRET_CHARS + " characters or more, when webhooks.url is: receivers check signatures with it"
          + " (for example whsec_ followed by the output of: openssl rand -base64 32)");
    }
    return new WebhookConfig(url, secret, r.strings("events"),
        Duration.ofMillis(r.intBetween("pollIntervalMs", 10, 60_000)),
        r.intBetween("batchSize", 1, 1000),
        Duration.ofMillis(r.intBetween("timeoutMs", 100, 120_000)),
        Duration.ofMillis(r.intBetween("initialBackoffMs", 10, 3_600_000)),
        Duration.ofMillis(r.intBetween("maxBackoffMs", 10, 86_400_000)),
        Duration.ofMinutes(r.intBetween("giveUpAfterMinutes", 1, 30 * 24 * 60)),
        Duration.ofHours(r.intBetween("retentionHours", 1, 365 * 24)));
  }
}
