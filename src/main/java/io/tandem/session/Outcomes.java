package io.tandem.session;

import io.tandem.bus.UserEvents;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.SessionStatus;
import io.tandem.kernel.UserId;
import io.tandem.matching.ExpertLoads;
import io.tandem.matching.Requeue;
import io.tandem.money.Ledger;
import io.tandem.money.Price;
import io.tandem.money.Pricing;
import io.tandem.reliability.Penalties;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one home of how a session ends: every ending (a participant's end, a closed join window, a
 * departure, a session too long, an operator's decision) goes through {@link #settle}, which writes
 * the ending and carries out {@link OutcomeTable} in the same transaction: the ledger transfers,
 * the penalties, the requeue. {@link #announce} then tells both participants, once it committed.
 * Each ending is a conditional write ({@code WHERE status IN ('waiting', 'active')}) on a row the
 * transaction locked, and penalties and transfers have unique keys: two nodes and the sweepers
 * ending the same session at once produce one ending, one penalty each, one settlement.
 */
public final class Outcomes {
  private static final Logger log = LoggerFactory.getLogger(Outcomes.class);

  private final Pool pool;
  private final Penalties penalties;
  private final Pricing pricing;
  private final SessionConfig config;
  private final Requeue requeue;
  private final UserEvents events;
  private final ExpertLoads loads;
  private final SessionMetrics metrics;
  private final List<String> decidingWhereabouts = OutcomeTable.decidingWhereabouts();

  /** {@code requeue}: how a request goes back to the front of its queue, and is announced (matching's). */
  public Outcomes(Pool pool, Penalties penalties, Pricing pricing, SessionConfig config, Requeue requeue, UserEvents events, ExpertLoads loads,
      SessionMetrics metrics) {
    this.pool = pool;
    this.penalties = penalties;
    this.pricing = pricing;
    this.config = config;
    this.requeue = requeue;
    this.events = events;
    this.loads = loads;
    this.metrics = metrics;
  }

  /**
   * What a settled session led to, for announcing after commit: who ended it ({@code endedBy}:
   * who pressed end, who did not show or went, the operator; null for nobody in particular), why
   * when it ended by itself or by an operator, what it cost, the penalties and the requeue.
   */
  public record Settled(SessionRecord session, UserId endedBy, SessionEnd reason, OutcomeTable.Payment payment,
      List<Penalties.Recorded> penalties, Optional<Requeue.Requeued> requeued) {}

  /**
   * Ends {@code session} (locked by the caller's transaction, still open) as {@code ending} and
   * settles it there: penalties first (a client no-show's fee follows its penalty: waived, no fee),
   * then the money, then the requeue. Empty when the session was no longer open.
   */
  public Future<Optional<Settled>> settle(SqlConnection conn, SessionRecord session, SessionStatus ending, UserId endedBy, SessionEnd reason) {
    UserId by = endedBy != null ? endedBy : OutcomeTable.causedBy(ending, session.clientId(), session.expertId()).orElse(null);
    return SessionRepository.finish(conn, session.id(), ending, by).compose(finished -> finished.isEmpty()
        ? Future.succeededFuture(Optional.<Settled>empty())
        // Both wallets (and the accounts penalties lock) in the order every transfer locks them.
        : Ledger.lockWallets(conn, List.of(session.clientId(), session.expertId()))
            .compose(v -> punish(conn, finished.get(), ending))
            .compose(recorded -> pay(conn, finished.get(), ending, recorded)
                .compose(payment -> (OutcomeTable.requeued(ending) && !session.booked()
                        ? requeue.first(conn, new RequestId(session.requestId()))
                        : Future.succeededFuture(Optional.<Requeue.Requeued>empty()))
                    .map(requeued -> Optional.of(new Settled(finished.get(), by, reason, payment, recorded, requeued))))));
  }

  private Future<List<Penalties.Recorded>> punish(SqlConnection conn, SessionRecord session, SessionStatus ending) {
    Future<List<Penalties.Recorded>> recorded = Future.succeededFuture(new ArrayList<>());
    for (OutcomeTable.Offence offence : OutcomeTable.offences(ending)) {
      UserId who = offence.expert() ? session.expertId() : session.clientId();
      recorded = recorded.compose(list -> penalties.record(conn, who, offence.kind(), offence.expert(), offence.reason(session.booked()),
          session.id().value(), null)
          .map(penalty -> {
            penalty.ifPresent(list::add);
            return list;
          }));
    }
    return recorded;
  }

  private Future<OutcomeTable.Payment> pay(SqlConnection conn, SessionRecord session, SessionStatus ending, List<Penalties.Recorded> recorded) {
    Price price = new Price(session.price(), session.platformFee(), pricing.currency());
    long fee = pricing.noShowFee(session.price());
    boolean clientPenaltyStands = recorded.stream().anyMatch(p -> p.user().equals(session.clientId()) && !p.waived());
    Future<Void> posted = Future.succeededFuture();
    for (OutcomeTable.Transfer transfer : OutcomeTable.transfers(ending, session.id().value(), session.clientId(), session.expertId(), price, fee,
        clientPenaltyStands)) {
      posted = posted.compose(v -> Ledger.post(conn, transfer.key(), session.id().value(), null, transfer.legs()).mapEmpty());
    }
    return posted.map(v -> OutcomeTable.payment(ending, price, fee, clientPenaltyStands));
  }

  /** Tells both participants (every device), the penalised their penalties, the client of a requeue; the shards the expert's load. */
  public void announce(Settled settled) {
    SessionRecord session = settled.session();
    metrics.ended(session.status());
    log.info("session {} ended {}{}", session.id(), session.status(), settled.endedBy() == null ? "" : " by " + settled.endedBy());
    SessionEnded ended = new SessionEnded(session, settled.endedBy(), settled.reason(), settled.payment(), pricing.currency());
    events.send(session.clientId(), ended);
    events.send(session.expertId(), ended);
    settled.penalties().forEach(p -> p.announce(events));
    settled.requeued().ifPresent(requeue::announce);
    loads.changed(session.expertId());
  }

  // ---- a participant ends it

  /**
   * {@code session.end}: an active session completes, ended by {@code participant}. Empty when it is
   * not open (or not theirs); a waiting session is refused by the caller.
   */
  public Future<Optional<Settled>> endByParticipant(SessionId id, UserId participant) {
    return pool.withTransaction(conn -> SessionRepository.lockOpen(conn, id, participant).compose(open -> open.isEmpty()
            || open.get().status() != SessionStatus.ACTIVE
            ? Future.succeededFuture(Optional.<Settled>empty())
            : settle(conn, open.get(), SessionStatus.COMPLETED, participant, null)))
        .onSuccess(settled -> settled.ifPresent(this::announce));
  }

  // ---- an operator ends it

  /**
   * An operator ends an open session as {@code ending} (any way a session ends: the table decides its
   * money, penalties and requeue), inside their transaction (with its audit record); {@link #announce}
   * once that committed. {@code not_found} when there is no such session, {@code conflict} when it is over.
   */
  public Future<Settled> endByOperator(SqlConnection conn, SessionId id, SessionStatus ending, UserId operator) {
    if (ending.open()) {
      throw ApiError.badRequest("outcome must be how a session ends, not " + ending);
    }
    return SessionRepository.lockOpen(conn, id, null).compose(open -> open.isPresent()
        ? settle(conn, open.get(), ending, operator, SessionEnd.OPERATOR).map(Optional::orElseThrow)
        : find(conn, id).compose(found -> Future.failedFuture(found.isEmpty()
            ? ApiError.notFound("there is no session " + id)
            : ApiError.conflict("the session is already " + found.get().status()))));
  }

  /** A session, whatever its state, read with the caller's connection. */
  public static Future<Optional<SessionRecord>> find(SqlClient sql, SessionId id) {
    return SessionRepository.find(sql, id);
  }

  // ---- sessions that end by themselves

  /** Every sweep of endings, in turn: join windows, departures, sessions too long; each in batches. */
  public Future<Void> sweep() {
    return inBatches(conn -> SessionRepository.dueJoinWindows(conn, config.lateGrace(), null, config.sweepBatch()),
            SessionRepository.JoinWindowClosed::session, this::closeJoinWindow)
        .compose(v -> inBatches(conn -> SessionRepository.dueDepartures(conn, config.reconnectGrace(), config.aloneTimeout(),
            decidingWhereabouts, config.sweepBatch()), SessionRepository.Departure::session, this::depart))
        .compose(v -> inBatches(conn -> SessionRepository.dueOverlong(conn, config.maxDuration(), config.sweepBatch()), Function.identity(),
            (conn, session) -> settle(conn, session, SessionStatus.COMPLETED, null, SessionEnd.MAX_DURATION)));
  }

  /** Closes one session's join window if it is due (whoever else tries at the same time); empty when it was not, or no longer, due. */
  public Future<Optional<Settled>> closeJoinWindow(SessionId id) {
    return pool.withTransaction(conn -> SessionRepository.dueJoinWindows(conn, config.lateGrace(), id, 1)
            .compose(due -> due.isEmpty() ? Future.succeededFuture(Optional.<Settled>empty()) : closeJoinWindow(conn, due.get(0))))
        .onSuccess(settled -> settled.ifPresent(this::announce));
  }

  private Future<Optional<Settled>> closeJoinWindow(SqlConnection conn, SessionRepository.JoinWindowClosed due) {
    return settle(conn, due.session(), OutcomeTable.afterJoinWindow(due.clientJoined(), due.expertJoined()), null, null);
  }

  private Future<Optional<Settled>> depart(SqlConnection conn, SessionRepository.Departure due) {
    Optional<SessionStatus> ending = OutcomeTable.afterDeparture(due.client(), due.expert());
    if (ending.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    // Out of the room (room.leave) past the alone timeout, and the other waited: the session ended because they were left alone.
    boolean alone = due.client() == OutcomeTable.Whereabouts.LEFT || due.expert() == OutcomeTable.Whereabouts.LEFT;
    // Both out of the room: completed, as before, with no reason of its own.
    SessionEnd reason = ending.get() == SessionStatus.COMPLETED ? null : alone ? SessionEnd.ALONE : SessionEnd.DISCONNECTED;
    return settle(conn, due.session(), ending.get(), null, reason);
  }

  /** How one due session of a batch is settled. */
  @FunctionalInterface
  private interface Settle<T> {
    Future<Optional<Settled>> apply(SqlConnection conn, T due);
  }

  /**
   * Runs one batched sweep until a batch comes back short (or settles nothing), each batch one
   * transaction, announcing each batch's endings once it has committed (SessionRepository: why batches).
   * The sessions' chat counters are locked first (MessageStore.holdChats: an ending takes them
   * before any wallet), then the wallets of everyone in the batch, at once, in the ledger's order:
   * locked session by session, two nodes' batches sharing people (an expert of capacity two) could
   * each hold one wallet the other waits for.
   */
  private <T> Future<Void> inBatches(Function<SqlConnection, Future<List<T>>> due, Function<T, SessionRecord> sessionOf, Settle<T> settle) {
    return pool.withTransaction(conn -> due.apply(conn).compose(batch -> {
          List<SessionRecord> sessions = batch.stream().map(sessionOf).toList();
          Future<List<Settled>> settled = MessageStore.holdChats(conn, sessions.stream().map(SessionRecord::id).toList())
              .compose(v -> Ledger.lockWallets(conn, sessions.stream()
                  .flatMap(session -> java.util.stream.Stream.of(session.clientId(), session.expertId())).distinct().toList()))
              .map(v -> new ArrayList<>());
          for (T one : batch) {
            settled = settled.compose(list -> settle.apply(conn, one).map(s -> {
              s.ifPresent(list::add);
              return list;
            }));
          }
          return settled.map(list -> new Batch(batch.size(), list));
        }))
        .compose(batch -> {
          batch.settled().forEach(this::announce);
          return batch.found() < config.sweepBatch() || batch.settled().isEmpty() ? Future.<Void>succeededFuture()
              : inBatches(due, sessionOf, settle);
        });
  }

  private record Batch(int found, List<Settled> settled) {}
}
