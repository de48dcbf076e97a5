package io.tandem.kernel;

import java.util.Optional;
import java.util.UUID;

public record SessionId(UUID value) {
  public static Optional<SessionId> parse(String text) {
    return Uuids.parse(text).map(SessionId::new);
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
