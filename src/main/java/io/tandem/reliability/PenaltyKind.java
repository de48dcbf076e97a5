package io.tandem.reliability;

/** The kinds of penalty of the contract. */
public enum PenaltyKind {
  OFFER_TIMEOUT("offer_timeout"),
  NO_SHOW("no_show"),
  LATE("late"),
  /** Retired: left the room and did not come back, recorded before sessions ended as {@code expert_left}; old records keep it. */
  ABANDONED("abandoned"),
  /** An expert joined, then left the client alone for good: the session ends {@code expert_left}. */
  EXPERT_LEFT("expert_left"),
  /** An expert cancelled a confirmed booking: the client is refunded in full. */
  BOOKING_CANCELLED("booking_cancelled");

  private final String wireName;

  PenaltyKind(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
