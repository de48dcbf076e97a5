package io.tandem.money;

import io.tandem.kernel.UserId;

/** One leg of a transfer: an amount into (positive) or out of (negative) an account; {@code user} only for a wallet. */
public record Leg(Account account, UserId user, EntryKind kind, long amount) {
  public Leg {
    if ((account == Account.WALLET) != (user != null)) {
      throw new IllegalArgumentException("a wallet leg names its owner, and only a wallet leg does: " + account + " " + user);
    }
  }

  public static Leg wallet(UserId user, EntryKind kind, long amount) {
    return new Leg(Account.WALLET, user, kind, amount);
  }

  public static Leg of(Account account, EntryKind kind, long amount) {
    return new Leg(account, null, kind, amount);
  }
}
