package io.tandem.kernel;

import java.util.Optional;
import java.util.UUID;

/** A booking of an expert for later; the session it opens at its start has the same id. */
public record BookingId(UUID value) {
  public static Optional<BookingId> parse(String text) {
    return Uuids.parse(text).map(BookingId::new);
  }

  /** The session this booking opens (or opened): the same id. */
  public SessionId session() {
    return new SessionId(value);
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
