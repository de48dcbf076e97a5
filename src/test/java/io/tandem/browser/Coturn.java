package io.tandem.browser;

import io.tandem.testing.Poll;
import io.tandem.testing.Scratch;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A real TURN server (Debian's {@code coturn}) on 127.0.0.1 for relayed calls, checking
 * credentials with a shared secret as Tandem mints them ({@code use-auth-secret}). Skipped like
 * the browser when missing, failed under {@code TANDEM_REQUIRE_BROWSER=true}.
 */
public final class Coturn implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private Coturn(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static String binary() {
    return System.getenv().getOrDefault("TANDEM_TURNSERVER", "/usr/bin/turnserver");
  }

  /** Starts coturn on a free port of 127.0.0.1, accepting credentials minted with {@code secret}. */
  public static Coturn start(String secret) {
    boolean present = Files.isExecutable(Path.of(binary()));
    String missing = "coturn's turnserver is missing (" + binary() + "): install it with `apt-get install coturn`,"
        + " or point TANDEM_TURNSERVER at it";
    if (!present && Boolean.parseBoolean(System.getenv("TANDEM_REQUIRE_BROWSER"))) {
      throw new AssertionError(missing + " (TANDEM_REQUIRE_BROWSER is true)");
    }
    Assumptions.assumeTrue(present, missing);
    // A port found free over UDP may have its TCP twin taken (coturn then never answers there):
    // up to three ports are tried, and a coturn that did not come up is stopped, never left behind.
    AssertionError last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        int port = freePort();
        Path log = Scratch.file("coturn", ".log");
        Process process = new ProcessBuilder(List.of(binary(), "-n", "--no-cli", "--no-tls", "--no-dtls", "--fingerprint",
            "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", "--listening-port=" + port,
            "--min-port=" + (port + 1), "--max-port=" + (port + 200),
            // The browsers are on this machine too: a relay to a loopback peer is what this test is about.
            "--allow-loopback-peers", "--realm=tandem.test", "--use-auth-secret", "--static-auth-secret=" + secret,
            "--log-file=stdout", "--simple-log"))
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
          Poll.until("coturn listens on " + port, Duration.ofSeconds(10), () -> {
            if (!process.isAlive()) {
              throw new AssertionError("coturn exited: " + read(log));
            }
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
              return true;
            } catch (IOException e) {
              return false;
            }
          });
          return new Coturn(process, port, log);
        } catch (AssertionError notUp) {
          process.destroyForcibly();
          last = new AssertionError(notUp.getMessage() + "; its log: " + read(log), notUp);
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot start coturn", e);
      }
    }
    throw last;
  }

  private static int freePort() throws IOException {
    // A UDP port whose TCP twin and the relay range above it are very likely free too.
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      int port = socket.getLocalPort();
      return port > 60000 ? freePort() : port;
    }
  }

  public String url() {
    return "turn:127.0.0.1:" + port + "?transport=udp";
  }

  /** What coturn logged: allocations, refused credentials. */
  public String log() {
    return read(log);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    process.destroy();
  }
}
