package io.tandem.money;

/** The kinds of ledger account (Ledger). */
public enum Account {
  /** A person's money. */
  WALLET("wallet"),
  /** A session's price, held from match until the session settles. */
  ESCROW("escrow"),
  /** The platform's own: its fees, and what it gives back. */
  PLATFORM("platform"),
  /** The world outside: payment providers, welcome credits. */
  FUNDING("funding");

  private final String stored;

  Account(String stored) {
    this.stored = stored;
  }

  public String stored() {
    return stored;
  }
}
