package io.tandem.kernel;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A topic slug, most general first: {@code career}, {@code career.interview}, {@code legal.labour}.
 * Lowercase segments of letters, digits, {@code -} and {@code _}, each starting with a letter; at
 * most four segments and 64 characters.
 */
public record Topic(String value) {
  public static final int MAX_LENGTH = 64;
  private static final Pattern SLUG = Pattern.compile("[a-z][a-z0-9_-]{0,31}(\\.[a-z][a-z0-9_-]{0,31}){0,3}");

  public Topic {
    if (!isValid(value)) {
      throw new IllegalArgumentException("not a topic slug: " + value);
    }
  }

  public static boolean isValid(String value) {
    return value != null && value.length() <= MAX_LENGTH && SLUG.matcher(value).matches();
  }

  public static Optional<Topic> parse(String value) {
    return isValid(value) ? Optional.of(new Topic(value)) : Optional.empty();
  }

  /** The first segment: matching is sharded by it. */
  public String root() {
    int dot = value.indexOf('.');
    return dot < 0 ? value : value.substring(0, dot);
  }

  /** {@code career.interview} has parent {@code career}; a root has none. */
  public Optional<Topic> parent() {
    int dot = value.lastIndexOf('.');
    return dot < 0 ? Optional.empty() : Optional.of(new Topic(value.substring(0, dot)));
  }

  @Override
  public String toString() {
    return value;
  }
}
