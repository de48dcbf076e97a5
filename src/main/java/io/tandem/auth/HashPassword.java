package io.tandem.auth;

import io.tandem.config.ConfigException;
import io.tandem.config.ConfigLoader;
import io.tandem.wire.ApiError;
import io.tandem.wire.JsonInput;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar tandem.jar hash-password} (or {@code mvn -q compile exec:java@hash-password}):
 * prints the Argon2id hash of an administrator's password, for {@code auth.admins}
 * (docs/operations.md, "Administrators"). The cost is the configured {@code auth.passwordHash}.
 *
 * <p>The password comes from the terminal, typed twice without echo, when a person is at one; else
 * from the first line of standard input ({@code echo -n '…' |}, a file, a secret store). Never from
 * the command line, where {@code ps} and shell history would keep it. Standard output carries the
 * hash and nothing else, so that {@code $(…)} and {@code > file} capture exactly it; anything else
 * (a refusal, a configuration warning) goes to standard error.
 */
public final class HashPassword {
  /** Longer than sign-up's 8: an administrator can refund, credit and suspend anyone. */
  static final int MIN_LENGTH = 12;
  /** The longest password {@code POST /api/v1/tokens} takes; a longer one could never sign in. */
  static final int MAX_LENGTH = 128;
  /** Exit status of a refusal: the password or the invocation, never a half-done hash. */
  public static final int REFUSED = 2;

  private HashPassword() {}

  /** Refused with a reason for a person: printed as one line, without a stack trace. */
  private static final class Refusal extends RuntimeException {
    Refusal(String reason) {
      super(reason, null, false, false);
    }
  }

  /** Runs the command; returns the exit status (0 with the hash on {@code out}, {@link #REFUSED} with one line on {@code err}). */
  public static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
    // Logback's console appender writes to whatever System.out is when it logs: while this runs,
    // that is standard error, and out keeps the hash alone.
    PrintStream stdout = System.out;
    System.setOut(err);
    try {
      if (!args.isEmpty()) {
        throw new Refusal("hash-password takes no arguments; it reads the password from the terminal or from"
            + " standard input, never from the command line, where ps and shell history would keep it");
      }
      String password = acceptable(read(in));
      PasswordHasher hasher = new PasswordHasher(PasswordHashConfig.from(ConfigLoader.load().section("auth").section("passwordHash")));
      out.println(hasher.hash(password));
      out.flush();
      return 0;
    } catch (Refusal | ConfigException e) {
      err.println("hash-password: " + e.getMessage());
      return REFUSED;
    } finally {
      System.setOut(stdout);
    }
  }

  private static String read(InputStream in) {
    Console terminal = terminal();
    if (terminal != null) {
      char[] first = terminal.readPassword("Administrator password (%d to %d characters): ", MIN_LENGTH, MAX_LENGTH);
      char[] again = first == null ? null : terminal.readPassword("The same again: ");
      if (again == null) {
        throw new Refusal("no password typed; nothing printed");
      }
      try {
        if (!Arrays.equals(first, again)) {
          throw new Refusal("the two passwords differ; nothing printed");
        }
        return new String(first);
      } finally {
        Arrays.fill(first, ' ');
        Arrays.fill(again, ' ');
      }
    }
    try {
      String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
      if (line == null) {
        throw new Refusal("no password on standard input: pipe it in (echo -n '…' | …) or run this in a terminal");
      }
      return line;
    } catch (IOException e) {
      throw new Refusal("cannot read standard input: " + e.getMessage());
    }
  }

  /**
   * The password as {@code POST /api/v1/tokens} will compare it: the same trimming and the same
   * character rules (sign-in reads it through {@link JsonInput} too), so that a hash printed here
   * always has a password that signs in, with the administrator's longer minimum.
   */
  private static String acceptable(String password) {
    try {
      return JsonInput.of(new JsonObject().put("password", password)).requiredString("password", MIN_LENGTH, MAX_LENGTH);
    } catch (ApiError e) {
      throw new Refusal("the " + e.getMessage() + "; nothing printed");
    }
  }

  /**
   * The terminal a person is typing at, or null. On JDK 17 to 21 {@link System#console()} is null
   * unless standard input and output are a terminal; from JDK 22 it may be a console over redirected
   * streams, which its {@code isTerminal()} (22 and later) tells apart.
   */
  private static Console terminal() {
    Console console = System.console();
    if (console == null) {
      return null;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return Boolean.TRUE.equals(isTerminal.invoke(console)) ? console : null;
    } catch (NoSuchMethodException e) {
      return console;
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }
}
