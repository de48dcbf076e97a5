package io.tandem.reliability;

/** The kinds of penalty of the contract. */
public enum PenaltyKind {
  OFFER_TIMEOUT("offer_timeout"),
  NO_SHOW("no_show"),
  LATE("late"),
  ABANDONED("abandoned");

  private final String wireName;

  PenaltyKind(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
