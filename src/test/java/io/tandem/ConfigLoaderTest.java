package io.tandem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.config.ConfigException;
import io.tandem.config.ConfigLoader;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private static final JsonObject DEFAULTS = ConfigLoader.readDefaults();

  private static TandemConfig load(Map<String, String> env, Map<String, String> properties) {
    Properties props = new Properties();
    props.putAll(properties);
    return TandemConfig.load(DEFAULTS, env, props);
  }

  @Test
  @DisplayName("the defaults file holds every key of the protocol's configuration table with its documented default")
  void protocolDefaults() {
    TandemConfig config = load(Map.of(), Map.of());
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.http().allowedOrigins()).containsExactly("http://localhost:8080");
    assertThat(config.db().url()).isEmpty();
    assertThat(config.db().useEmbedded()).isTrue();
    assertThat(config.db().embedded().dataDir().toString()).isEqualTo("data/postgres");
    assertThat(config.cluster().enabled()).isFalse();
    assertThat(config.matching().offerTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.matching().requestMaxWait()).isEqualTo(Duration.ofSeconds(300));
    assertThat(config.session().joinWindow()).isEqualTo(Duration.ofSeconds(120));
    assertThat(config.session().inPersonJoinWindow()).isEqualTo(Duration.ofSeconds(1800));
    assertThat(config.session().reconnectGrace()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.ws().maxFrameBytes()).isEqualTo(65536);
  }

  @Test
  @DisplayName("environment variable names are TANDEM_ plus the key path with dots and camel-case humps as underscores")
  void environmentNames() {
    assertThat(ConfigLoader.environmentName("matching.offerTimeoutSeconds")).isEqualTo("TANDEM_MATCHING_OFFER_TIMEOUT_SECONDS");
    assertThat(ConfigLoader.environmentName("http.allowedOrigins")).isEqualTo("TANDEM_HTTP_ALLOWED_ORIGINS");
    assertThat(ConfigLoader.environmentName("db.embedded.dataDir")).isEqualTo("TANDEM_DB_EMBEDDED_DATA_DIR");
    assertThat(ConfigLoader.environmentName("db.url")).isEqualTo("TANDEM_DB_URL");
  }

  @Test
  @DisplayName("an environment variable overrides a number, a boolean, a string and a comma-separated list")
  void environmentOverrides() {
    TandemConfig config = load(Map.of(
        "TANDEM_MATCHING_OFFER_TIMEOUT_SECONDS", "5",
        "TANDEM_CLUSTER_ENABLED", "true",
        "TANDEM_DB_URL", "postgresql://tandem:secret@db.example.com:5432/tandem",
        "TANDEM_HTTP_ALLOWED_ORIGINS", "http://localhost:8080, https://app.example.com"), Map.of());
    assertThat(config.matching().offerTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.cluster().enabled()).isTrue();
    assertThat(config.db().url()).isEqualTo("postgresql://tandem:secret@db.example.com:5432/tandem");
    assertThat(config.db().useEmbedded()).isFalse();
    assertThat(config.http().allowedOrigins()).isEqualTo(List.of("http://localhost:8080", "https://app.example.com"));
  }

  @Test
  @DisplayName("a system property overrides the default and wins over the environment variable")
  void systemPropertyOverrides() {
    TandemConfig config = load(
        Map.of("TANDEM_MATCHING_OFFER_TIMEOUT_SECONDS", "7", "TANDEM_SESSION_JOIN_WINDOW_SECONDS", "9"),
        Map.of("tandem.matching.offerTimeoutSeconds", "5", "tandem.ws.maxFrameBytes", "1024"));
    assertThat(config.matching().offerTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.session().joinWindow()).isEqualTo(Duration.ofSeconds(9));
    assertThat(config.ws().maxFrameBytes()).isEqualTo(1024);
  }

  @Test
  @DisplayName("a value that does not parse stops start-up with a message naming the key and where it came from")
  void unparsableValue() {
    assertThatThrownBy(() -> load(Map.of("TANDEM_MATCHING_OFFER_TIMEOUT_SECONDS", "twenty"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("matching.offerTimeoutSeconds")
        .hasMessageContaining("TANDEM_MATCHING_OFFER_TIMEOUT_SECONDS");
    assertThatThrownBy(() -> load(Map.of(), Map.of("tandem.cluster.enabled", "yes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.enabled")
        .hasMessageContaining("true or false");
  }

  @Test
  @DisplayName("a value out of its range stops start-up with a message naming the key and the range")
  void outOfRange() {
    assertThatThrownBy(() -> load(Map.of(), Map.of("tandem.http.port", "70000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.port")
        .hasMessageContaining("between 0 and 65535");
    assertThatThrownBy(() -> load(Map.of("TANDEM_MATCHING_OFFER_TIMEOUT_SECONDS", "0"), Map.of()))
        .hasMessageContaining("matching.offerTimeoutSeconds");
    assertThatThrownBy(() -> load(Map.of("TANDEM_DB_URL", "mysql://localhost/x"), Map.of()))
        .hasMessageContaining("db.url");
    assertThatThrownBy(() -> load(Map.of("TANDEM_AUTH_JWT_SECRET", "c2hvcnQ="), Map.of()))
        .hasMessageContaining("auth.jwtSecret")
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> load(Map.of("TANDEM_HTTP_ALLOWED_ORIGINS", "localhost:8080/app"), Map.of()))
        .hasMessageContaining("http.allowedOrigins");
    assertThatThrownBy(() -> load(Map.of("TANDEM_WEBHOOKS_URL", "crm.example.com/hook"), Map.of()))
        .hasMessageContaining("webhooks.url");
    assertThatThrownBy(() -> load(Map.of("TANDEM_WEBHOOKS_URL", "https://crm.example.com/hook", "TANDEM_WEBHOOKS_SECRET", "short"), Map.of()))
        .as("a subscription nobody can check is refused").hasMessageContaining("webhooks.secret");
  }

  @Test
  @DisplayName("by default a connection that stops answering is gone before an offer made to it can time out")
  void silentConnectionsGoBeforeOffersTimeOut() {
    TandemConfig config = load(Map.of(), Map.of());
    assertThat(config.ws().pingInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.ws().idleTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.ws().closeTimeout()).isEqualTo(Duration.ofMillis(1000));
    assertThat(config.ws().silentPeerDropped()).isLessThan(config.matching().offerTimeout());
    assertThat(config.warnings()).isEmpty();
  }

  @Test
  @DisplayName("an idle timeout that reaches the offer timeout is warned about, naming both keys")
  void idleTimeoutReachingOfferTimeout() {
    TandemConfig longIdle = load(Map.of("TANDEM_WS_IDLE_TIMEOUT_SECONDS", "20"), Map.of());
    assertThat(longIdle.warnings()).singleElement().asString()
        .contains("ws.idleTimeoutSeconds (20)", "ws.closeTimeoutMs (1000)", "matching.offerTimeoutSeconds (20)");
    TandemConfig shortOffers = load(Map.of(), Map.of("tandem.matching.offerTimeoutSeconds", "5"));
    assertThat(shortOffers.warnings()).singleElement().asString().contains("ws.idleTimeoutSeconds", "matching.offerTimeoutSeconds (5)");
    assertThat(load(Map.of(), Map.of("tandem.matching.offerTimeoutSeconds", "17")).warnings()).isEmpty();
  }

  @Test
  @DisplayName("a ping interval not below the idle timeout stops start-up, naming both keys")
  void pingIntervalBelowIdleTimeout() {
    assertThatThrownBy(() -> load(Map.of(), Map.of("tandem.ws.pingIntervalSeconds", "15")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ws.pingIntervalSeconds")
        .hasMessageContaining("ws.idleTimeoutSeconds");
  }
}
