package io.tandem.session;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.UserId;
import io.tandem.money.Ledger;
import io.tandem.money.Price;
import io.tandem.money.Pricing;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Optional;

/** What participants read of their sessions over HTTP: a session with its price and what it cost, their history, a transcript. */
public final class SessionViews {
  private final Pool pool;
  private final SessionQueries sessions;
  private final Pricing pricing;
  private final java.time.Duration lateGrace;

  /** {@code lateGrace}: session.lateGraceSeconds, after the join deadline until the join window closes. */
  SessionViews(Pool pool, SessionQueries sessions, Pricing pricing, java.time.Duration lateGrace) {
    this.lateGrace = lateGrace;
    this.pool = pool;
    this.sessions = sessions;
    this.pricing = pricing;
  }

  /** {@code GET /api/v1/sessions/{id}}, for participants ({@link SessionDetail}). */
  public Future<SessionDetail> describe(AuthenticatedUser caller, String id) {
    return participantOf(caller, id).compose(session -> {
      Price price = new Price(session.price(), session.platformFee(), pricing.currency());
      Future<Optional<GeoPoint>> meetingPoint = session.mode() == Mode.IN_PERSON
          ? sessions.meetingPoint(session.id()) : Future.succeededFuture(Optional.empty());
      Future<Optional<OutcomeTable.Payment>> payment = session.open() ? Future.succeededFuture(Optional.empty())
          : Ledger.ofSession(pool, session.id().value(), session.clientId(), session.expertId())
              .map(money -> Optional.of(new OutcomeTable.Payment(money.charged(), money.earned())));
      return sessions.brief(session.id()).compose(brief -> meetingPoint.compose(point -> payment.map(paid ->
          new SessionDetail(session, price, session.joinDeadline().plus(lateGrace), brief, point, paid))));
    });
  }

  /** {@code GET /api/v1/me/sessions?limit}: the caller's sessions, newest first. */
  public Future<List<PastSession>> history(UserId user, int limit) {
    return sessions.history(user, limit);
  }

  /** A page of a transcript, and the session's last seq. */
  public record Transcript(List<ChatMessage> messages, int lastSeq) {
    /** {@code GET /api/v1/sessions/{id}/messages}: {@code {messages, lastSeq}}. */
    public JsonObject toJson() {
      return new JsonObject().put("messages", new JsonArray(messages.stream().map(ChatMessage::toJson).toList())).put("lastSeq", lastSeq);
    }
  }

  /** {@code GET /api/v1/sessions/{id}/messages?afterSeq&limit}: the transcript, a page at a time. */
  public Future<Transcript> transcript(AuthenticatedUser caller, String id, int afterSeq, int limit) {
    return participantOf(caller, id).compose(session -> sessions.messages(session.id(), afterSeq, limit)
        .map(page -> new Transcript(page, session.lastSeq())));
  }

  private Future<SessionRecord> participantOf(AuthenticatedUser caller, String id) {
    ApiError notFound = ApiError.notFound("there is no session " + id);
    return SessionId.parse(id)
        .map(session -> sessions.find(session).compose(found -> found.filter(s -> s.hasParticipant(caller.id()))
            .map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(notFound))))
        .orElseGet(() -> Future.failedFuture(notFound));
  }
}
