package io.tandem.matching;

/**
 * Why a waiting request is not moving: the {@code reason} of {@code request.status}
 * (docs/protocol.md). Checked in this order; the first that applies is the reason (a request for a
 * chosen expert has only the first).
 */
enum Stall {
  /**
   * The expert the client asked for is offline, at capacity, or declined or missed its offer: the
   * client keeps waiting for them or opens the request to everyone.
   */
  CHOSEN_EXPERT_UNAVAILABLE("chosen_expert_unavailable"),
  /** Nobody available offers the topic or a parent of it, in the request's mode. */
  NO_EXPERT_ONLINE("no_expert_online"),
  /** In person: experts offer it, but none within the request's {@code maxDistanceKm}. */
  NONE_IN_RANGE("none_in_range"),
  /** Every expert who could take it declined it or let its offer time out. */
  DECLINED_BY_ALL("declined_by_all"),
  /** Experts who could take it exist, but all are at capacity; the ETA is then from recent matches. */
  ALL_BUSY("all_busy");

  private final String wireName;

  Stall(String wireName) {
    this.wireName = wireName;
  }

  String wireName() {
    return wireName;
  }

  /** In person: nobody who could meet the client is within range or online at all (an in-person request's fallback applies). */
  boolean nobodyNear() {
    return this == NONE_IN_RANGE || this == NO_EXPERT_ONLINE;
  }

  /** Whether anyone could take the request at all: if not, there is no honest ETA. */
  boolean hopeless() {
    return this != ALL_BUSY;
  }
}
