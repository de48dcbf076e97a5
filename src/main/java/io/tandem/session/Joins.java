package io.tandem.session;

import io.tandem.kernel.SessionId;
import io.tandem.kernel.UserId;
import io.tandem.reliability.Penalties;
import io.tandem.reliability.PenaltyKind;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.Optional;

/**
 * A participant joining a session: their first join is recorded, a pending drop or leave is
 * cleared, and the session turns active once both have joined; a session that is over can still
 * be joined to read it. A late first arrival costs a {@code late} penalty, committed together with
 * the join or not at all.
 */
final class Joins {
  private final Pool pool;
  private final SessionRepository sessions;
  private final Penalties penalties;
  private final SessionMetrics metrics;

  /** {@code metrics}: sessions started, counted once the join has committed. */
  Joins(Pool pool, SessionRepository sessions, Penalties penalties, SessionMetrics metrics) {
    this.pool = pool;
    this.sessions = sessions;
    this.penalties = penalties;
    this.metrics = metrics;
  }

  /**
   * What joining did: the session now, whether the participant was coming back from a drop,
   * whether this join started the session, and the penalty of a join after the window.
   */
  public record Joined(SessionRecord session, boolean reconnected, boolean started, Optional<Penalties.Recorded> late) {}

  /**
   * {@code inPerson}: the participant checked in at the meeting point (for an in-person session
   * only that counts as being there; entering the room does not).
   *
   * <p>One statement on its own commits the join, as a rule. The one exception is a late first
   * arrival: the statement leaves that join undone and it is made again inside a transaction with
   * the penalty.
   */
  Future<Optional<Joined>> join(SessionId id, UserId participant, boolean inPerson) {
    return sessions.join(pool, id, participant, inPerson, false)
        .compose(done -> {
          if (done.isEmpty() || !done.get().late()) {
            return Future.succeededFuture(done.map(SessionRepository.JoinRow::joined));
          }
          return pool.withTransaction(conn -> sessions.join(conn, id, participant, inPerson, true)
              .compose(joined -> {
                if (joined.isEmpty() || !joined.get().late()) {
                  return Future.succeededFuture(joined.map(SessionRepository.JoinRow::joined));
                }
                SessionRecord session = joined.get().session();
                return penalties.record(conn, participant, PenaltyKind.LATE, participant.equals(session.expertId()), "joined after the join window",
                        session.id().value(), null)
                    .map(late -> Optional.of(joined.get().joined(late)));
              }));
        })
        .onSuccess(joined -> joined.filter(Joined::started).ifPresent(j -> metrics.started()));
  }
}
