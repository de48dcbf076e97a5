package io.tandem.session;

/**
 * Why an active session ended by itself, as {@code session.ending} and {@code session.ended} say
 * it ({@code reason}); docs/operations.md has the policy.
 */
public enum SessionEnd {
  /** One participant left the room and did not come back within {@code session.aloneTimeoutSeconds}. */
  ALONE("alone"),
  /** The session ran {@code session.maxMinutes}. */
  MAX_DURATION("max_duration");

  private final String wireName;

  SessionEnd(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
