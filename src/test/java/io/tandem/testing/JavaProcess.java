package io.tandem.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A short-lived {@code java} command in a process of its own, run as an operator or a user would
 * run it: a command of {@code io.tandem.Main} on this test's classpath, or a single-file program
 * through the JDK's source launcher. Its standard output and error go to files of their own (a
 * full pipe never stalls it), readable while it runs; every wait is bounded.
 */
public final class JavaProcess implements AutoCloseable {
  private final Process process;
  private final Path out;
  private final Path err;

  private JavaProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** What a finished process said. */
  public record Finished(int status, String out, String err) {}

  /** The arguments that run {@code io.tandem.Main} with {@code args} on this test's classpath. */
  public static List<String> main(String... args) {
    List<String> command = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"), "io.tandem.Main"));
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Starts {@code <this JVM's java> javaArgs...} in {@code workDir}, with this process's environment
   * plus {@code env}; standard input stays open until {@link #input} or {@link #closeInput}.
   */
  public static JavaProcess start(Path workDir, Map<String, String> env, List<String> javaArgs) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaArgs);
    Path out = Scratch.file("java-process", ".out");
    Path err = Scratch.file("java-process", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().putAll(env);
    try {
      return new JavaProcess(builder.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** Writes {@code text} to its standard input and closes it, as {@code echo -n text |} would. */
  public JavaProcess input(String text) {
    try (OutputStream in = process.getOutputStream()) {
      in.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public JavaProcess closeInput() {
    return input("");
  }

  /** Its standard output so far. */
  public String out() {
    return read(out);
  }

  /** Its standard error so far. */
  public String err() {
    return read(err);
  }

  /** Waits for it to exit, at most {@code bound}; fails the test, with what it printed, if it is still running. */
  public Finished awaitExit(Duration bound) {
    try {
      if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("still running after " + bound + "\n--- stdout:\n" + out() + "\n--- stderr:\n" + err());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return new Finished(process.exitValue(), out(), err());
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
