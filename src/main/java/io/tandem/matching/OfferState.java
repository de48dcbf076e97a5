package io.tandem.matching;

/** Where an offer stands; the database uses {@link #stored()}, and a CHECK constraint admits only these. */
enum OfferState {
  /** On the expert's screen, until its deadline. */
  PENDING("pending"),
  ACCEPTED("accepted"),
  DECLINED("declined"),
  /** The deadline passed unanswered: a missed offer, which counts against the expert. */
  TIMED_OUT("timed_out"),
  /** Taken back (the request was cancelled or expired, or the expert went away): nobody's fault. */
  REVOKED("revoked");

  private final String stored;

  OfferState(String stored) {
    this.stored = stored;
  }

  String stored() {
    return stored;
  }

  static OfferState fromStored(String name) {
    for (OfferState state : values()) {
      if (state.stored.equals(name)) {
        return state;
      }
    }
    throw new IllegalStateException("unknown offer state in the database: " + name);
  }
}
