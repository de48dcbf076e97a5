package io.tandem.session;

/**
 * Why a session ended other than by a participant's {@code session.end} or its join window, as
 * {@code session.ending} and {@code session.ended} say it ({@code reason}); docs/operations.md has the policy.
 */
public enum SessionEnd {
  /** One participant left the room and did not come back within {@code session.aloneTimeoutSeconds}. */
  ALONE("alone"),
  /** The session ran {@code session.maxMinutes}. */
  MAX_DURATION("max_duration"),
  /** A participant's connections dropped and they were not back within {@code session.reconnectGraceSeconds}. */
  DISCONNECTED("disconnected"),
  /** An operator ended it (docs/operations.md, "Putting things right"). */
  OPERATOR("operator");

  private final String wireName;

  SessionEnd(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
