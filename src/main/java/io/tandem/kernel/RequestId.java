package io.tandem.kernel;

import java.util.Optional;
import java.util.UUID;

public record RequestId(UUID value) {
  public static Optional<RequestId> parse(String text) {
    return Uuids.parse(text).map(RequestId::new);
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
