package io.tandem.matching;

import io.tandem.kernel.RequestId;
import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.List;
import java.util.Optional;

/**
 * What the session feature may do to a request, inside its own transaction: after an expert
 * no-show, put the matched request back at its original place in the queue, with a fresh wait.
 * Matching implements it ({@code MatchingRepository::requeueFirst}); sessions reach it through
 * this interface, not matching's repository.
 */
@FunctionalInterface
public interface Requeue {
  /** A request back in the queue, and the experts it must not be offered to again. */
  record Requeued(RequestRecord request, List<UserId> excluded) {}

  /** Empty when the request was no longer matched (nothing to put back). */
  Future<Optional<Requeued>> first(SqlClient sql, RequestId request);
}
