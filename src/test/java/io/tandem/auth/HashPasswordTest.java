package io.tandem.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.JavaProcess.Finished;
import io.tandem.testing.JavaProcess;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Scratch;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar tandem.jar hash-password}, run as an operator runs it: {@code io.tandem.Main} in
 * a JVM of its own, the password on standard input, in a folder of its own (as the jar runs far from
 * the source tree), and its hash put into a server's configuration the way docs/operations.md says.
 */
class HashPasswordTest {
  private static final Duration BOUND = Duration.ofSeconds(60);
  private static final Pattern ARGON2ID_LINE =
      Pattern.compile("\\$argon2id\\$v=19\\$m=\\d+,t=\\d+,p=\\d+\\$[A-Za-z0-9+/]+\\$[A-Za-z0-9+/]+" + Pattern.quote(System.lineSeparator()));

  private static Finished hashPassword(Path workDir, Map<String, String> env, String stdin, String... extraArgs) {
    String[] args = Stream.concat(Stream.of("hash-password"), Stream.of(extraArgs)).toArray(String[]::new);
    try (JavaProcess command = JavaProcess.start(workDir, env, JavaProcess.main(args))) {
      return command.input(stdin).awaitExit(BOUND);
    }
  }

  private static Finished hashPassword(String stdin, String... extraArgs) {
    return hashPassword(Scratch.directory("hash-password"), Map.of(), stdin, extraArgs);
  }

  @Test
  @DisplayName("hash-password prints the Argon2id hash of the password on standard input and nothing else on standard output, starting nothing")
  void printsTheHashAlone() throws Exception {
    Path workDir = Scratch.directory("hash-password");
    // A misspelt setting makes the configuration log a warning: it must not land in the hash's output.
    Finished hashed = hashPassword(workDir, Map.of("TANDEM_NOT_A_SETTING", "1"), "a long admin password\n");

    assertThat(hashed.status()).as("exit status; stderr: %s", hashed.err()).isZero();
    assertThat(hashed.out()).matches(ARGON2ID_LINE);
    assertThat(hashed.err()).contains("TANDEM_NOT_A_SETTING names no configuration key");
    PasswordHasher hasher = new PasswordHasher(new PasswordHashConfig(256, 1, 1));
    String hash = hashed.out().strip();
    assertThat(hasher.verify("a long admin password", hash)).isTrue();
    assertThat(hasher.verify("a long admin passwore", hash)).isFalse();
    // No database, no generated key: a server start would have made data/ here.
    try (Stream<Path> left = Files.list(workDir)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  @DisplayName("a password shorter than 12 characters is refused in one line, exit status 2, with no stack trace and no hash")
  void refusesAShortPassword() {
    Finished refused = hashPassword("eleven-char\n");

    assertThat(refused.status()).isEqualTo(2);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err().strip()).isEqualTo("hash-password: the password must be at least 12 characters; nothing printed");
  }

  @Test
  @DisplayName("a password on the command line is refused (ps and shell history would keep it), and nothing is read or printed")
  void refusesAPasswordAsAnArgument() {
    Finished refused = hashPassword("a long admin password\n", "a long admin password");

    assertThat(refused.status()).isEqualTo(2);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err().lines()).singleElement().asString().startsWith("hash-password: hash-password takes no arguments");
  }

  @Test
  @DisplayName("the printed hash, given as TANDEM_AUTH_ADMINS, lets that administrator sign in and read the operator console")
  void theHashSignsIn() {
    String username = "ops-" + UUID.randomUUID().toString().substring(0, 8);
    String password = "a long admin password";
    Finished hashed = hashPassword(password + "\n");
    assertThat(hashed.status()).as("exit status; stderr: %s", hashed.err()).isZero();
    // Exactly the docs' form: TANDEM_AUTH_ADMINS='[{"username":"ops","passwordHash":"$argon2id$..."}]'
    String admins = "[{\"username\":\"" + username + "\",\"passwordHash\":\"" + hashed.out().strip() + "\"}]";

    try (RunningNode node = RunningNode.start(TestConfig.with(Map.of(), Map.of("TANDEM_AUTH_ADMINS", admins)))) {
      assertThat(node.http().post("/api/v1/tokens", new JsonObject().put("username", username).put("password", "not the password")).status())
          .isEqualTo(401);
      String token = node.http().logIn(username, password);
      assertThat(node.http().get("/api/v1/me", token).json().getString("role")).isEqualTo("admin");
      assertThat(node.http().get("/api/v1/admin/queue", token).status()).isEqualTo(200);
    }
  }
}
