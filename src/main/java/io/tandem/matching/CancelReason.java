package io.tandem.matching;

import java.util.Arrays;
import java.util.Optional;

/** Why a request was cancelled; the wire ({@code request.status}'s {@code reason}) and the database use {@link #wireName()}. */
public enum CancelReason {
  /** Its client cancelled it. */
  CLIENT("client"),
  /** Its client was gone while it waited (no connection, no poll, for {@code matching.clientGoneSeconds}). */
  CLIENT_LEFT("client_left"),
  /** An operator cancelled it. */
  OPERATOR("operator"),
  /** Its client could no longer pay when an expert accepted it. */
  UNPAYABLE("unpayable");

  private final String wireName;

  CancelReason(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<CancelReason> stored(String name) {
    return Arrays.stream(values()).filter(r -> r.wireName.equals(name)).findFirst();
  }
}
