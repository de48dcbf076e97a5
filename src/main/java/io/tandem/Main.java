package io.tandem;

import io.tandem.auth.HashPassword;
import io.tandem.config.ConfigException;
import io.tandem.db.EmbeddedDatabase;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Tandem: loads the configuration, starts the embedded PostgreSQL when {@code db.url} is
 * empty, starts the node, and on SIGTERM or Ctrl-C shuts it all down in order. With a command
 * ({@link #USAGE}) it runs that instead, and starts nothing of the server.
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

  /** What {@code --help} prints, and an unknown command after saying so. */
  static final String USAGE = String.join(System.lineSeparator(),
      "usage: java -jar tandem.jar                 start the server (settings: conf/tandem.json, TANDEM_* variables, -Dtandem.* before -jar)",
      "       java -jar tandem.jar hash-password   print the Argon2id hash of an administrator's password, for auth.admins",
      "       java -jar tandem.jar --help          this text",
      "(from the source tree: mvn -q compile exec:exec, and mvn -q compile exec:java@hash-password)",
      "");

  public static void main(String[] args) {
    if (args.length > 0) {
      int status = command(List.of(args), System.out, System.err);
      // A command that went well returns: under exec:java this is Maven's own JVM, which has more to do.
      if (status != 0) {
        System.exit(status);
      }
      return;
    }
    serve();
  }

  /**
   * Runs the command {@code args} names and returns its exit status, before anything of the server
   * (database, ports, cluster) starts: an operator without a server yet can use it, and one with a
   * server running can use it beside it. Standard output is the command's answer, for scripts.
   */
  static int command(List<String> args, PrintStream out, PrintStream err) {
    switch (args.get(0)) {
      case "hash-password":
        return HashPassword.run(args.subList(1, args.size()), System.in, out, err);
      case "--help", "-h", "help":
        out.print(USAGE);
        return 0;
      default:
        err.println("tandem: unknown command '" + args.get(0) + "'"
            + (args.get(0).startsWith("-D") ? " (system properties go before -jar: java " + args.get(0) + " -jar tandem.jar)" : ""));
        err.print(USAGE);
        return 2;
    }
  }

  private static void serve() {
    TandemConfig config;
    try {
      config = TandemConfig.load();
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
