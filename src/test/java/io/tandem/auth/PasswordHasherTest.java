package io.tandem.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  private final PasswordHasher hasher = new PasswordHasher(new PasswordHashConfig(256, 1, 1));

  @Test
  @DisplayName("a hash is Argon2id in PHC format and verifies only its own password")
  void hashAndVerify() {
    String hash = hasher.hash("correct horse battery staple");
    assertThat(hash).startsWith("$argon2id$v=19$m=256,t=1,p=1$");
    assertThat(hasher.verify("correct horse battery staple", hash)).isTrue();
    assertThat(hasher.verify("correct horse battery stapler", hash)).isFalse();
  }

  @Test
  @DisplayName("the same password hashes differently each time, because of its salt")
  void salted() {
    assertThat(hasher.hash("same password")).isNotEqualTo(hasher.hash("same password"));
  }

  @Test
  @DisplayName("a hash made at another cost still verifies after the cost changes")
  void costTravelsWithTheHash() {
    String old = new PasswordHasher(new PasswordHashConfig(512, 2, 1)).hash("pw-123456");
    assertThat(hasher.verify("pw-123456", old)).isTrue();
  }

  @Test
  @DisplayName("a malformed stored hash never verifies")
  void malformed() {
    assertThat(hasher.verify("x", "")).isFalse();
    assertThat(hasher.verify("x", "$2a$10$abcdefghijklmnopqrstuv")).isFalse();
  }
}
