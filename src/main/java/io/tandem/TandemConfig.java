package io.tandem;

import io.tandem.api.HttpConfig;
import io.tandem.auth.AuthConfig;
import io.tandem.auth.TurnConfig;
import io.tandem.bus.ClusterConfig;
import io.tandem.config.ConfigException;
import io.tandem.config.ConfigLoader;
import io.tandem.config.ConfigReader;
import io.tandem.db.DbConfig;
import io.tandem.booking.BookingConfig;
import io.tandem.directory.AvailabilityConfig;
import io.tandem.mail.MailConfig;
import io.tandem.gateway.WsConfig;
import io.tandem.loadtest.LoadTestConfig;
import io.tandem.matching.MatchingConfig;
import io.tandem.money.LedgerConfig;
import io.tandem.money.PaymentsConfig;
import io.tandem.reliability.PenaltyConfig;
import io.tandem.reliability.RatingConfig;
import io.tandem.session.SessionConfig;
import io.tandem.topic.TopicsConfig;
import io.tandem.webhook.WebhookConfig;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole configuration, parsed and validated once at start-up: one record per section, each in
 * the feature it configures and read by that record from the tree {@link ConfigLoader} loads. Verticles receive the part they
 * need; nothing reads the environment after this. Keys and defaults: {@code conf/tandem.json};
 * meanings: {@code docs/operations.md}.
 */
public record TandemConfig(
    HttpConfig http,
    DbConfig db,
    ClusterConfig cluster,
    AuthConfig auth,
    MatchingConfig matching,
    SessionConfig session,
    PenaltyConfig penalties,
    RatingConfig ratings,
    LedgerConfig ledger,
    LoadTestConfig loadTest,
    WsConfig ws,
    TurnConfig turn,
    WebhookConfig webhooks,
    PaymentsConfig payments,
    TopicsConfig topics,
    AvailabilityConfig availability,
    BookingConfig bookings,
    MailConfig mail) {

  private static final Logger log = LoggerFactory.getLogger(TandemConfig.class);

  /** The configuration of this process: defaults, then the environment, then system properties. */
  public static TandemConfig load() {
    return logWarnings(from(ConfigLoader.load()));
  }

  /** Refuses an invalid configuration with a {@link ConfigException}; logs a warning for each of {@link #warnings()}. */
  public static TandemConfig load(JsonObject defaults, Map<String, String> env, Properties properties) {
    return logWarnings(from(ConfigLoader.load(defaults, env, properties)));
  }

  private static TandemConfig logWarnings(TandemConfig config) {
    config.warnings().forEach(warning -> log.warn("configuration: {}", warning));
    return config;
  }

  /** Each section read by its feature's record. */
  public static TandemConfig from(ConfigReader root) {
    return new TandemConfig(
        HttpConfig.from(root.section("http")),
        DbConfig.from(root.section("db")),
        ClusterConfig.from(root.section("cluster")),
        AuthConfig.from(root.section("auth")),
        MatchingConfig.from(root.section("matching")),
        SessionConfig.from(root.section("session")),
        PenaltyConfig.from(root.section("penalties")),
        RatingConfig.from(root.section("ratings")),
        LedgerConfig.from(root.section("ledger")),
        LoadTestConfig.from(root.section("loadTest")),
        WsConfig.from(root.section("ws")),
        TurnConfig.from(root.section("turn")),
        WebhookConfig.from(root.section("webhooks")),
        PaymentsConfig.from(root.section("payments")),
        TopicsConfig.from(root.section("topics")),
        AvailabilityConfig.from(root.section("availability")),
        BookingConfig.from(root.section("bookings")),
        MailConfig.from(root.section("mail")));
  }

  /**
   * Settings that are valid one by one but work against each other; the loader logs each as a
   * warning. Not refused: a test or a demo may well want offers that time out in a second or two,
   * which no idle timeout can undercut.
   */
  public List<String> warnings() {
    List<String> warnings = new ArrayList<>();
    if (ws.silentPeerDropped().compareTo(matching.offerTimeout()) >= 0) {
      warnings.add("ws.idleTimeoutSeconds (" + ws.idleTimeout().toSeconds() + ") plus ws.closeTimeoutMs (" + ws.closeTimeout().toMillis()
          + ") is not less than matching.offerTimeoutSeconds (" + matching.offerTimeout().toSeconds() + "): an expert whose connection"
          + " froze stays online, and is offered requests that time out against them, for up to "
          + ws.silentPeerDropped().toMillis() + " ms; set ws.idleTimeoutSeconds (and ws.pingIntervalSeconds, below it) lower");
    }
    return List.copyOf(warnings);
  }
}
