package io.tandem.session;

import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.SessionStatus;
import io.tandem.bus.Addresses;
import io.tandem.bus.UserEvents;
import io.tandem.config.TandemConfig.LedgerConfig;
import io.tandem.config.TandemConfig.SessionConfig;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.UserId;
import io.tandem.matching.ExpertLoads;
import io.tandem.matching.MatchingEvents;
import io.tandem.matching.Requeue;
import io.tandem.matching.RequestRecord;
import io.tandem.matching.ShardMessages;
import io.tandem.reliability.Ledger;
import io.tandem.reliability.Penalties;
import io.tandem.reliability.PenaltyKind;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a session's join window closes (its deadline plus {@code session.lateGraceSeconds})
 * with someone missing, and how money settles when a session ends. Each outcome is one
 * transaction: a conditional update of the session ({@code WHERE status = 'waiting'}), the
 * penalties under their unique keys and the ledger transfers under theirs; so two nodes and the
 * sweeper deciding the same session at once produce one outcome, one penalty and one refund.
 */
public final class Outcomes {
  private static final Logger log = LoggerFactory.getLogger(Outcomes.class);
  /**
   * Join windows the sweep closes per round, each in a transaction of its own, all at once: more
   * would only queue on the pool ahead of users' calls. (The sweeps that end active sessions are
   * sequential batches: session.sweepBatch.)
   */
  private static final int SWEEP_BATCH = 100;

  private final Pool pool;
  private final Penalties penalties;
  private final LedgerConfig ledger;
  private final SessionConfig sessions;
  private final Requeue requeue;
  private final EventBus bus;
  private final UserEvents events;
  private final ExpertLoads loads;
  private final SessionMetrics metrics;

  /** {@code requeue}: how a no-shown expert's request goes back to the front of its queue (matching's). */
  public Outcomes(Pool pool, Penalties penalties, LedgerConfig ledger, SessionConfig sessions, Requeue requeue, EventBus bus,
      UserEvents events, ExpertLoads loads, SessionMetrics metrics) {
    this.metrics = metrics;
    this.pool = pool;
    this.penalties = penalties;
    this.ledger = ledger;
    this.sessions = sessions;
    this.requeue = requeue;
    this.bus = bus;
    this.events = events;
    this.loads = loads;
  }

  /** What a settled session led to, for announcing after commit. */
  record Settled(SessionRecord session, UserId by, List<Penalties.Recorded> penalties, Optional<Requeue.Requeued> requeued) {}

  /** Closes every waiting session whose join window has run out. */
  public Future<Void> sweep() {
    return pool.preparedQuery("SELECT id FROM sessions WHERE status = 'waiting'"
            + " AND join_deadline + make_interval(secs => $1) <= now() ORDER BY join_deadline LIMIT $2")
        .execute(Tuple.of(sessions.lateGrace().toMillis() / 1000.0, SWEEP_BATCH))
        .compose(rows -> {
          List<Future<Optional<Settled>>> settled = new ArrayList<>();
          rows.forEach(row -> settled.add(closeJoinWindow(new SessionId(row.getUUID("id")))));
          return Future.join(settled).mapEmpty();
        });
  }

  /** Decides one session's no-show outcome, once; empty when it was not (or no longer) due. */
  public Future<Optional<Settled>> closeJoinWindow(SessionId id) {
    return pool.withTransaction(conn -> SessionRepository.closeJoinWindow(conn, id, sessions.lateGrace())
            .compose(closed -> closed.isEmpty()
                ? Future.succeededFuture(Optional.<Settled>empty())
                : settleNoShow(conn, closed.get()).map(Optional::of)))
        .onSuccess(settled -> settled.ifPresent(s -> {
          metrics.ended(s.session().status());
          announce(s);
        }));
  }

  private Future<Settled> settleNoShow(SqlConnection conn, Row row) {
    SessionRecord session = SessionRepository.session(row);
    long price = row.getLong("price");
    UUID sid = session.id().value();
    SessionStatus status = session.status();
    List<Penalties.Recorded> recorded = new ArrayList<>();
    Future<Void> money = Ledger.release(conn, sid, session.clientId(), price);
    Future<Void> punished = money;
    if (status != SessionStatus.CLIENT_NO_SHOW) {
      punished = punished.compose(v -> penalties.record(conn, session.expertId(), PenaltyKind.NO_SHOW, true,
          "accepted a consultation and did not join it", sid, null).map(p -> {
            p.ifPresent(recorded::add);
            return null;
          }));
    }
    if (status != SessionStatus.EXPERT_NO_SHOW) {
      punished = punished.compose(v -> penalties.record(conn, session.clientId(), PenaltyKind.NO_SHOW, false,
          "asked for a consultation and did not join it", sid, null).map(p -> {
            p.ifPresent(recorded::add);
            return null;
          }));
    }
    if (status == SessionStatus.CLIENT_NO_SHOW) {
      long fee = price * ledger.clientNoShowFeePercent() / 100;
      punished = punished.compose(v -> Ledger.noShowFee(conn, sid, session.clientId(), session.expertId(), fee));
    }
    UserId by = status == SessionStatus.CLIENT_NO_SHOW ? session.clientId() : session.expertId();
    Future<Optional<Requeue.Requeued>> requeued = status == SessionStatus.EXPERT_NO_SHOW
        ? punished.compose(v -> requeue.first(conn, new RequestId(session.requestId())))
        : punished.map(Optional.empty());
    return requeued.map(request -> new Settled(session, by, recorded, request));
  }

  private void announce(Settled settled) {
    SessionRecord session = settled.session();
    log.info("session {} closed as {}", session.id(), session.status());
    JsonObject ended = session.endedEvent(settled.by());
    events.send(session.clientId(), "session.ended", ended);
    events.send(session.expertId(), "session.ended", ended);
    settled.penalties().forEach(p -> p.announce(events));
    settled.requeued().filter(r -> r.request().waiting()).ifPresent(requeued -> {
      RequestRecord request = requeued.request();
      log.info("request {} back in the queue at its old place after expert {} did not show", request.id(), session.expertId());
      events.send(request.clientId(), "request.status", MatchingEvents.requestStatusEvent(request.id(), RequestStatus.QUEUED));
      bus.send(Addresses.matchingShard(request.shard()), ShardMessages.queued(request, requeued.excluded()));
    });
    loads.changed(session.expertId());
  }
}
