package io.tandem.matching;

import io.tandem.kernel.RequestId;
import io.tandem.kernel.RequestStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Matching's side of {@link Requeue}: the request written back to the queue, and matching's own announcements of it. */
final class Requeues implements Requeue {
  private static final Logger log = LoggerFactory.getLogger(Requeues.class);

  private final Duration maxWait;
  private final MatchingEvents events;

  Requeues(Duration maxWait, MatchingEvents events) {
    this.maxWait = maxWait;
    this.events = events;
  }

  @Override
  public Future<Optional<Requeued>> first(SqlClient sql, RequestId request) {
    return RequestRepository.requeueFirst(sql, request, maxWait);
  }

  @Override
  public void announce(Requeued requeued) {
    RequestRecord request = requeued.request();
    if (!request.waiting()) {
      return;
    }
    log.info("request {} back in the queue at its old place: its expert failed its client", request.id());
    events.requestStatus(request.clientId(), request.id(), RequestStatus.QUEUED);
    events.toShard(request.shard(), ShardMessages.queued(request, requeued.excluded()));
  }
}
