package io.tandem.auth;

import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;

/**
 * What reliability and operators may change of an account's suspension, inside their own
 * transaction. Penalties suspend and their waivers lift; an operator's suspension is lifted only by
 * an operator (a waived penalty does not undo a decision a person made). {@link
 * AccountRepository#SUSPENSIONS}, of the one writer of {@code accounts}, implements it.
 */
public interface AccountSuspensions {
  /** Penalties: suspends the account until {@code until}, or keeps a later suspension it already has. */
  Future<Void> suspendUntil(SqlClient sql, UserId user, Instant until);

  /** A waiver: lifts a running suspension that penalties started; an operator's stands. */
  Future<Void> lift(SqlClient sql, UserId user);

  /** An operator suspends the account until {@code until}, or keeps a later suspension; the suspension now in force. */
  Future<Instant> suspendByOperator(SqlClient sql, UserId user, Instant until);

  /** An operator lifts any running suspension; false when none was running. */
  Future<Boolean> reinstate(SqlClient sql, UserId user);
}
