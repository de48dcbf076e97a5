package io.tandem.kernel;

import java.util.Optional;

/** Where a request stands (docs/protocol.md); the wire and the database use {@link #wireName()}. */
public enum RequestStatus {
  QUEUED("queued"),
  /** An expert is looking at it. */
  OFFERED("offered"),
  MATCHED("matched"),
  EXPIRED("expired"),
  CANCELLED("cancelled");

  private final String wireName;

  RequestStatus(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Still waiting for an expert: queued, or offered to one. */
  public boolean waiting() {
    return this == QUEUED || this == OFFERED;
  }

  public static Optional<RequestStatus> fromWire(String name) {
    for (RequestStatus status : values()) {
      if (status.wireName.equals(name)) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }

  /** A status read from the database, where a CHECK constraint admits only these. */
  public static RequestStatus stored(String name) {
    return fromWire(name).orElseThrow(() -> new IllegalStateException("unknown request status in the database: " + name));
  }

  @Override
  public String toString() {
    return wireName;
  }
}
