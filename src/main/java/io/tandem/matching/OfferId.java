package io.tandem.matching;

import io.tandem.wire.Uuids;
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
