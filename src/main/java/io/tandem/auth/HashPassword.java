package io.tandem.auth;

import io.tandem.config.ConfigLoader;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Prints the Argon2id hash of a password read from standard input, for {@code auth.admins}:
 * {@code echo -n 'secret' | mvn -q compile exec:java -Dexec.mainClass=io.tandem.auth.HashPassword}.
 * The cost is the configured {@code auth.passwordHash}.
 */
public final class HashPassword {
  private HashPassword() {}

  public static void main(String[] args) throws IOException {
    String password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    if (password == null || password.length() < 12) {
      throw new IllegalArgumentException("give an administrator password of at least 12 characters on standard input");
    }
    PasswordHasher hasher = new PasswordHasher(ConfigLoader.load().auth().passwordHash());
    // The hash is this tool's whole output, for pasting into configuration; logs stay out of it.
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    out.println(hasher.hash(password));
  }
}
