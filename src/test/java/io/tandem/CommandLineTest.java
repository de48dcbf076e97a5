package io.tandem;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.JavaProcess;
import io.tandem.testing.JavaProcess.Finished;
import io.tandem.testing.Scratch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code java -jar tandem.jar <command>}: {@code io.tandem.Main} with arguments, in a JVM and a folder of its own. */
class CommandLineTest {
  private static final Duration BOUND = Duration.ofSeconds(60);

  private static Finished run(Path workDir, String... args) {
    try (JavaProcess command = JavaProcess.start(workDir, Map.of(), JavaProcess.main(args))) {
      return command.closeInput().awaitExit(BOUND);
    }
  }

  @Test
  @DisplayName("--help prints the commands on standard output and exits 0")
  void help() {
    Finished help = run(Scratch.directory("tandem-cli"), "--help");

    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("java -jar tandem.jar hash-password").contains("java -jar tandem.jar --help");
    assertThat(help.err()).isEmpty();
  }

  @Test
  @DisplayName("an unknown command prints the usage on standard error and exits 2, starting no server and no database")
  void unknownCommand() throws Exception {
    Path workDir = Scratch.directory("tandem-cli");
    Finished unknown = run(workDir, "hash-passwd");

    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.out()).isEmpty();
    assertThat(unknown.err()).startsWith("tandem: unknown command 'hash-passwd'").contains("java -jar tandem.jar hash-password");
    try (Stream<Path> left = Files.list(workDir)) {
      assertThat(left).as("what a server start would have made (data/)").isEmpty();
    }
  }
}
