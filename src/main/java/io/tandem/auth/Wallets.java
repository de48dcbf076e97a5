package io.tandem.auth;

import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * What accounts need of the money ledger, which lives in {@code reliability} and owns its table:
 * a new client's starting balance, credited in the transaction that creates the account (an
 * account never exists without it), and the balance {@code GET /api/v1/me} shows. An interface
 * here, implemented there, so that {@code auth} does not depend on the feature that depends on it.
 */
public interface Wallets {
  /** Credits {@code amount} (minor units) to {@code user}'s wallet from the payment-provider stand-in, inside {@code conn}'s transaction. */
  Future<Void> creditStartingBalance(SqlConnection conn, UserId user, long amount);

  Future<Long> balance(UserId user);
}
