package io.tandem.booking;

import io.tandem.session.BookedSession;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/**
 * Opens a booking's session, {@code waiting}, inside the transaction that marks the booking opened,
 * so that both happen or neither. The session feature owns the sessions table and implements this
 * ({@code SessionRepository::openBooked}); features reach its repository only through such a narrow interface.
 */
@FunctionalInterface
public interface SessionStart {
  Future<Void> open(SqlClient sql, BookedSession session);
}
