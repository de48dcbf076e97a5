package io.tandem.kernel;

import java.util.Optional;

/** Where a session stands (docs/protocol.md); the wire and the database use {@link #wireName()}. */
public enum SessionStatus {
  WAITING("waiting"),
  ACTIVE("active"),
  COMPLETED("completed"),
  EXPERT_NO_SHOW("expert_no_show"),
  CLIENT_NO_SHOW("client_no_show"),
  BOTH_NO_SHOW("both_no_show"),
  /** Both participants went for good, neither left the other waiting alone. */
  ABANDONED("abandoned"),
  /** The expert joined, then went for good while the client stayed. */
  EXPERT_LEFT("expert_left"),
  /** The client joined, then went for good while the expert stayed. */
  CLIENT_LEFT("client_left");

  private final String wireName;

  SessionStatus(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Waiting for its participants or under way: a room that still takes messages. */
  public boolean open() {
    return this == WAITING || this == ACTIVE;
  }

  public static Optional<SessionStatus> fromWire(String name) {
    for (SessionStatus status : values()) {
      if (status.wireName.equals(name)) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }

  /** A status read from the database, where a CHECK constraint admits only these. */
  public static SessionStatus stored(String name) {
    return fromWire(name).orElseThrow(() -> new IllegalStateException("unknown session status in the database: " + name));
  }

  @Override
  public String toString() {
    return wireName;
  }
}
