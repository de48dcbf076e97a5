package io.tandem.matching;

import io.tandem.kernel.RequestId;
import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.List;
import java.util.Optional;

/**
 * What the session feature may do to a request: after its expert did not show or left, put the
 * matched request back at its original place in the queue with a fresh wait, inside the ending's
 * transaction; then, once that committed, announce it. Matching implements it ({@link Requeues});
 * sessions reach it through this interface, not matching's repository.
 */
public interface Requeue {
  /** A request back in the queue, and the experts it must not be offered to again. */
  record Requeued(RequestRecord request, List<UserId> excluded) {}

  /** Empty when nothing went back (the request was no longer matched, or its client asked again meanwhile). */
  Future<Optional<Requeued>> first(SqlClient sql, RequestId request);

  /** After the commit: the client is told their request is queued again, its shard takes it back. */
  void announce(Requeued requeued);
}
