package io.tandem.testing;

import io.tandem.TandemConfig;
import io.tandem.config.ConfigLoader;
import java.util.Map;
import java.util.Properties;

/** The real defaults with test overrides, applied through the same loader as production. */
public final class TestConfig {
  /** Shared by every node in the test JVM, as the nodes of one cluster would share it. */
  public static final String JWT_SECRET_BASE64 = "dGVzdC1vbmx5LWp3dC1zZWNyZXQtb2YtMzItYnl0ZXMtb3ItbW9yZQ==";

  private TestConfig() {}

  /** Ephemeral port, two HTTP instances (as in production), cheap password hashing; {@code overrides} are key path to value. */
  public static TandemConfig with(Map<String, String> overrides) {
    return with(overrides, Map.of());
  }

  /** As {@link #with(Map)}, with {@code environment} as the process's variables: for a setting given as {@code TANDEM_…}. */
  public static TandemConfig with(Map<String, String> overrides, Map<String, String> environment) {
    Properties properties = new Properties();
    properties.setProperty("tandem.http.port", "0");
    properties.setProperty("tandem.http.instances", "2");
    properties.setProperty("tandem.http.shutdownGraceSeconds", "1");
    properties.setProperty("tandem.auth.jwtSecret", JWT_SECRET_BASE64);
    properties.setProperty("tandem.auth.passwordHash.memoryKib", "256");
    properties.setProperty("tandem.auth.passwordHash.iterations", "1");
    properties.setProperty("tandem.cluster.configFile", "cluster-test.xml");
    // Tests use topics of their own (Actors.uniqueTopic), so that tests sharing the database never
    // see each other's requests; the catalogue's own tests turn this back on.
    properties.setProperty("tandem.topics.listedOnly", "false");
    overrides.forEach((key, value) -> properties.setProperty("tandem." + key, value));
    return TandemConfig.load(ConfigLoader.readDefaults(), environment, properties);
  }

  /** The value of {@code auth.admins} that makes {@code username} an administrator with {@code password}. */
  public static String admin(String username, String password) {
    String hash = new io.tandem.auth.PasswordHasher(new io.tandem.auth.PasswordHashConfig(256, 1, 1)).hash(password);
    return new io.vertx.core.json.JsonArray().add(new io.vertx.core.json.JsonObject().put("username", username).put("passwordHash", hash)).encode();
  }

  public static TandemConfig defaults() {
    return with(Map.of());
  }
}
