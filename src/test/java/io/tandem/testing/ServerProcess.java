package io.tandem.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Tandem server in a JVM of its own ({@code io.tandem.Main} on this test's classpath), for the
 * faults that need a process to die or to be signalled. Its output goes to a file the test can read.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("Tandem is ready: http://localhost:(\\d+)");

  private final Process process;
  private final boolean launched;
  private final Path log;
  private ProcessHandle jvm;

  private ServerProcess(Process process, boolean launched, Path log) {
    this.process = process;
    this.launched = launched;
    this.log = log;
  }

  /**
   * Starts {@code java ... io.tandem.Main} with the test defaults of {@link TestConfig} and these
   * {@code overrides} (key path to value), optionally behind a {@code launcher} command such as
   * {@code sh -c} (the JVM command line is appended to it).
   */
  public static ServerProcess start(Map<String, String> overrides, List<String> launcher, String... jvmProperties) {
    try {
      Path log = Scratch.file("tandem-server", ".log");
      List<String> java = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx512m", "-Djava.net.preferIPv4Stack=true", "-Dhazelcast.phone.home.enabled=false",
          "-Dhazelcast.logging.type=slf4j", "-Dlogback.configurationFile=logback-test.xml",
          "-Dtandem.http.port=0", "-Dtandem.http.shutdownGraceSeconds=1",
          "-Dtandem.auth.jwtSecret=" + TestConfig.JWT_SECRET_BASE64,
          "-Dtandem.auth.passwordHash.memoryKib=256", "-Dtandem.auth.passwordHash.iterations=1",
          "-Dtandem.cluster.configFile=cluster-test.xml", "-Dtandem.topics.listedOnly=false",
          // Vert.x's file cache in a folder the test run deletes: a process killed with -9 cannot remove its own.
          // (Vert.x makes <base>-<uuid>, so the base is a name inside that folder.)
          "-Dvertx.cacheDirBase=" + Scratch.directory("tandem-vertx-cache").resolve("vertx-cache")));
      overrides.forEach((key, value) -> java.add("-Dtandem." + key + "=" + value));
      java.addAll(List.of(jvmProperties));
      java.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.tandem.Main"));
      List<String> command = new ArrayList<>(launcher);
      if (launcher.isEmpty()) {
        command.addAll(java);
      } else {
        command.add(String.join(" ", java.stream().map(ServerProcess::quoted).toList()));
      }
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      return new ServerProcess(process, !launcher.isEmpty(), log);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a server process", e);
    }
  }

  public static ServerProcess start(Map<String, String> overrides) {
    return start(overrides, List.of());
  }

  private static String quoted(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /** Waits until the server says it is ready and returns its HTTP port. */
  public int awaitReady(Duration within) {
    String port = Poll.value("the server process says it is ready", within, () -> {
      if (!process.isAlive() && !READY.matcher(output()).find()) {
        throw new AssertionError("the server process exited with " + process.exitValue() + ":\n" + output());
      }
      Matcher ready = READY.matcher(output());
      return ready.find() ? ready.group(1) : null;
    }, found -> found != null);
    return Integer.parseInt(port);
  }

  /** Everything the server has printed so far. */
  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The launcher's process, or the JVM's when there is no launcher. */
  public Process process() {
    return process;
  }

  /** The JVM running {@code io.tandem.Main}: the process itself, or the launcher's child. */
  public synchronized ProcessHandle jvm() {
    if (jvm == null) {
      jvm = !launched ? process.toHandle()
          : Poll.value("the launcher has started the JVM", Duration.ofSeconds(10),
              () -> process.toHandle().children().findFirst().orElse(null), child -> child != null);
    }
    return jvm;
  }

  /** Exit code, waiting at most {@code within}; fails the test if the process is still running. */
  public int awaitExit(Duration within) {
    try {
      if (!process.waitFor(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        throw new AssertionError("the server process is still running after " + within + ":\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** {@code kill -9}: no shutdown hook runs. */
  public void kill() {
    jvm().destroyForcibly();
  }

  @Override
  public void close() {
    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
