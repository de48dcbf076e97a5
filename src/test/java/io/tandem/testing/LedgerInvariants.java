package io.tandem.testing;

import static org.assertj.core.api.Assertions.assertThat;

/** What must hold of the ledger after anything at all: double entry, transfer by transfer, and no wallet below zero. */
public final class LedgerInvariants {
  private LedgerInvariants() {}

  /** Checks the whole ledger; {@code when} names the moment in the failure message ("after TOP_UP"). */
  public static void check(String when) {
    assertThat(Sql.count("SELECT coalesce(sum(amount), 0) FROM ledger_entries")).as(when + ": the ledger sums to zero").isZero();
    assertThat(Sql.count("SELECT count(*) FROM (SELECT transfer_id FROM ledger_entries GROUP BY transfer_id HAVING sum(amount) <> 0) t"))
        .as(when + ": every transfer sums to zero").isZero();
    assertThat(Sql.count("SELECT count(*) FROM (SELECT user_id FROM ledger_entries WHERE account = 'wallet' GROUP BY user_id"
        + " HAVING sum(amount) < 0) t")).as(when + ": no wallet below zero").isZero();
  }
}
