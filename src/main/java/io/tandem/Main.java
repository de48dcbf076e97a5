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

  /**
   * Set by launchers that cannot forward signals (Maven's {@code exec:exec} does not: SIGTERM ends
   * Maven and leaves the server running, a child of nobody): when the launching process exits, the
   * server stops as on SIGTERM.
   */
  static final String STOP_WITH_PARENT_PROPERTY = "launcher.stopWithParent";

  private static volatile TandemNode node;
  private static volatile EmbeddedDatabase embedded;

  public static void main(String[] args) {
    TandemConfig config;
    try {
      config = ConfigLoader.load();
    } catch (ConfigException e) {
      log.error("Tandem did not start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    // Registered before anything starts, so that a signal during start-up stops what has started.
    Runtime.getRuntime().addShutdownHook(new Thread(Main::stop, "tandem-shutdown"));
    if (Boolean.getBoolean(STOP_WITH_PARENT_PROPERTY)) {
      ProcessHandle.current().parent().ifPresent(launcher -> launcher.onExit().thenRun(() -> {
        log.info("the launcher (pid {}) has exited", launcher.pid());
        System.exit(0);
      }));
    }
    try {
      embedded = config.db().useEmbedded() ? EmbeddedDatabase.start(config.db().embedded()) : null;
      String databaseUrl = embedded != null ? embedded.url() : config.db().url();
      node = TandemNode.start(config, databaseUrl).toCompletionStage().toCompletableFuture()
          .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      log.info("Tandem is ready: http://localhost:{} (node {}; health at /health, protocol in docs/protocol.md)", node.httpPort(), node.nodeId());
    } catch (Exception e) {
      log.error("Tandem did not start: {}", reason(e));
      log.debug("start-up failure", e);
      System.exit(1); // the shutdown hook stops the embedded database
    }
  }

  private static void stop() {
    TandemNode node = Main.node;
    EmbeddedDatabase embedded = Main.embedded;
    if (node != null) {
      log.info("shutting down: no new connections, finishing requests in flight");
      closeNode(node);
    }
    if (embedded != null) {
      embedded.close();
    }
  }

  private static void closeNode(TandemNode node) {
    try {
      node.close().toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      log.info("node stopped");
    } catch (Exception e) {
      log.warn("node did not stop cleanly: {}", reason(e));
    }
  }

  private static String reason(Throwable e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return cause.getMessage() != null ? cause.getMessage() : cause.toString();
  }
}
