package io.tandem.kernel;

import java.util.Optional;
import java.util.UUID;

public record OfferId(UUID value) {
  public static Optional<OfferId> parse(String text) {
    return Uuids.parse(text).map(OfferId::new);
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
