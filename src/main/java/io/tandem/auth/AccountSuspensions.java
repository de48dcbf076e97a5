package io.tandem.auth;

import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;

/**
 * What reliability may change on an account, inside its own transaction: the suspension a penalty
 * starts and a waiver lifts. {@link AccountRepository#SUSPENSIONS}, of the one writer of
 * {@code accounts}, implements it.
 */
public interface AccountSuspensions {
  /** Suspends the account until {@code until}, or keeps a later suspension it already has. */
  Future<Void> suspendUntil(SqlClient sql, UserId user, Instant until);

  /** Lifts a running suspension of the account. */
  Future<Void> lift(SqlClient sql, UserId user);
}
