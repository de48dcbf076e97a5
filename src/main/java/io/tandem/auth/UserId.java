package io.tandem.auth;

import java.util.Optional;
import java.util.UUID;

/** The id of an account, client or expert; the {@code userId} of the protocol. */
public record UserId(UUID value) {
  public static Optional<UserId> parse(String text) {
    try {
      return Optional.of(new UserId(UUID.fromString(text)));
    } catch (IllegalArgumentException | NullPointerException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
