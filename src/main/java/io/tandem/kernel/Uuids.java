package io.tandem.kernel;

import java.util.Optional;
import java.util.UUID;

/** Ids arrive as text from users; a malformed one is simply not an id of anything. */
public final class Uuids {
  private Uuids() {}

  public static Optional<UUID> parse(String text) {
    if (text == null || text.length() != 36) {
      return Optional.empty();
    }
    try {
      return Optional.of(UUID.fromString(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
