package io.tandem.kernel;

import java.util.Optional;
import java.util.UUID;

/** The id of an account, client or expert; the {@code userId} of the protocol. */
public record UserId(UUID value) {
  public static Optional<UserId> parse(String text) {
    return Uuids.parse(text).map(UserId::new);
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
