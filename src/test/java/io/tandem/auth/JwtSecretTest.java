package io.tandem.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtSecretTest {
  @TempDir Path dir;

  private AuthConfig config(byte[] secret, Path file) {
    return new AuthConfig("tandem", "tandem", Duration.ofMinutes(15), Duration.ofDays(30), secret, file, new PasswordHashConfig(256, 1, 1), java.util.List.of());
  }

  @Test
  @DisplayName("without a configured key, one is generated on first start, readable only by its owner, and kept")
  void generatedAndKept() throws Exception {
    Path file = dir.resolve("keys/jwt-secret");
    byte[] first = JwtSecret.load(config(null, file));
    assertThat(first).hasSize(32);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(JwtSecret.load(config(null, file))).isEqualTo(first);
  }

  @Test
  @DisplayName("a configured key wins and no file is written")
  void configuredKey() {
    byte[] key = new byte[48];
    Path file = dir.resolve("jwt-secret");
    assertThat(JwtSecret.load(config(key, file))).isSameAs(key);
    assertThat(file).doesNotExist();
  }
}
