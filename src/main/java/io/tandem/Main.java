package io.tandem;

import io.tandem.config.ConfigException;
import io.tandem.config.ConfigLoader;
import io.tandem.config.TandemConfig;
import io.tandem.db.EmbeddedDatabase;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Tandem: loads the configuration, starts the embedded PostgreSQL when {@code db.url} is
 * empty, starts the node, and on SIGTERM or Ctrl-C shuts it all down in order.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);
  private static final long START_TIMEOUT_SECONDS = 120;
  private static final long STOP_TIMEOUT_SECONDS = 60;

  private Main() {}

  public static void main(String[] args) {
    TandemConfig config;
    try {
      config = ConfigLoader.load();
    } catch (ConfigException e) {
      log.error("Tandem did not start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    EmbeddedDatabase embedded = null;
    try {
      embedded = config.db().useEmbedded() ? EmbeddedDatabase.start(config.db().embedded()) : null;
      String databaseUrl = embedded != null ? embedded.url() : config.db().url();
      TandemNode node = TandemNode.start(config, databaseUrl).toCompletionStage().toCompletableFuture()
          .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      EmbeddedDatabase database = embedded;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(node, database), "tandem-shutdown"));
      log.info("Tandem is ready: http://localhost:{} (health at /health, protocol in docs/protocol.md)", node.httpPort());
    } catch (Exception e) {
      log.error("Tandem did not start: {}", reason(e));
      log.debug("start-up failure", e);
      if (embedded != null) {
        embedded.close();
      }
      System.exit(1);
    }
  }

  private static void stop(TandemNode node, EmbeddedDatabase embedded) {
    log.info("shutting down: no new connections, finishing requests in flight");
    try {
      node.close().toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      log.info("node stopped");
    } catch (Exception e) {
      log.warn("node did not stop cleanly: {}", reason(e));
    }
    if (embedded != null) {
      embedded.close();
    }
  }

  private static String reason(Throwable e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return cause.getMessage() != null ? cause.getMessage() : cause.toString();
  }
}
