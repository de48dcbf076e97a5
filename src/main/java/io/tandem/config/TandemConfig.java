package io.tandem.config;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole configuration, parsed and validated once at start-up. Verticles receive the part they
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
    TopicsConfig topics) {

  public static TandemConfig from(JsonObject json) {
    ConfigReader root = new ConfigReader(json, "");
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
        TopicsConfig.from(root.section("topics")));
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
