package io.tandem.money;

import java.util.Arrays;

/** Why money moved, on each leg of a transfer; the wire and the database use {@link #stored()} (docs/protocol.md, "the ledger"). */
public enum EntryKind {
  /** A new client's welcome credit. */
  INITIAL("initial"),
  /** The price held at match. */
  HOLD("hold"),
  /** The held price paid: to the expert, their earnings. */
  CAPTURE("capture"),
  /** The held price given back to the client. */
  RELEASE("release"),
  /** A client who did not show pays part of the price... */
  NO_SHOW_FEE("no_show_fee"),
  /** ...to the expert, for the time they kept free. */
  COMPENSATION("compensation"),
  /** A booking cancelled late: the client's fee, paid to the expert (both legs of the transfer). */
  CANCEL_FEE("cancel_fee"),
  /** The platform's part of a paid price. */
  PLATFORM_FEE("platform_fee"),
  /** Money given back after the fact: an operator's refund, a waived no-show fee. */
  REFUND("refund"),
  /** Money added through a payment provider. */
  TOP_UP("top_up"),
  /** An operator's goodwill credit. */
  CREDIT("credit");

  private final String stored;

  EntryKind(String stored) {
    this.stored = stored;
  }

  public String stored() {
    return stored;
  }

  /** A kind read from the database, where a CHECK constraint admits only these. */
  public static EntryKind stored(String name) {
    return Arrays.stream(values()).filter(k -> k.stored.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("unknown ledger entry kind in the database: " + name));
  }
}
