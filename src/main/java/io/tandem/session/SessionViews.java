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
import java.util.Objects;

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

  /**
   * {@code GET /api/v1/sessions/{id}}, for participants: with its {@code price}, when its join window
   * closes ({@code joinClosesAt}), the client's question ({@code brief}, as the expert saw it in
   * the offer), in person where they meet ({@code meetingPoint}: the two of them
   * must find each other, so the expert's location, hidden from everyone else, is shown to the client
   * matched with them), and once it is over its {@code payment} (what it cost the client and earned
   * the expert, refunds included).
   */
  public Future<JsonObject> describe(AuthenticatedUser caller, String id) {
    return participantOf(caller, id).compose(session -> {
      JsonObject view = session.toJson().put("price", new Price(session.price(), session.platformFee(), pricing.currency()).toJson())
          .put("joinClosesAt", session.joinDeadline().plus(lateGrace).toString());
      Future<JsonObject> asked = sessions.brief(session.id()).map(brief -> view.put("brief", brief.orElse(null)));
      Future<JsonObject> placed = session.mode() != Mode.IN_PERSON
          ? asked
          : asked.compose(v -> sessions.meetingPoint(session.id())).map(point -> view.put("meetingPoint", point.map(GeoPoint::toJson).orElse(null)));
      if (session.open()) {
        return placed;
      }
      return placed.compose(described -> Ledger.ofSession(pool, session.id().value(), session.clientId(), session.expertId())
          .map(money -> described.put("payment", new OutcomeTable.Payment(money.charged(), money.earned()).toJson(pricing.currency()))));
    });
  }

  /** {@code GET /api/v1/me/sessions?limit}: the caller's sessions, newest first. */
  public Future<JsonObject> history(UserId user, int limit) {
    return sessions.history(user, limit)
        .map(list -> new JsonObject().put("sessions", new JsonArray(list.stream().map(SessionViews::pastSession).toList())));
  }

  private static JsonObject pastSession(PastSession s) {
    return new JsonObject()
        .put("id", s.id().value().toString())
        .put("requestId", s.requestId().toString())
        .put("topic", s.topic().value())
        .put("mode", s.mode().wireName())
        .put("status", s.status().wireName())
        .put("role", s.asClient() ? "client" : "expert")
        .put("peer", new JsonObject().put("id", s.peerId().value().toString()).put("displayName", s.peerName()))
        .put("createdAt", Objects.toString(s.createdAt(), null))
        .put("startedAt", Objects.toString(s.startedAt(), null))
        .put("endedAt", Objects.toString(s.endedAt(), null))
        .put("rating", s.rating().map(r -> new JsonObject().put("stars", r.stars()).put("comment", r.comment())).orElse(null));
  }

  /** {@code GET /api/v1/sessions/{id}/messages?afterSeq&limit}: the transcript, a page at a time. */
  public Future<JsonObject> transcript(AuthenticatedUser caller, String id, int afterSeq, int limit) {
    return participantOf(caller, id).compose(session -> sessions.messages(session.id(), afterSeq, limit).map(page -> new JsonObject()
        .put("messages", new JsonArray(page.stream().map(ChatMessage::toJson).toList()))
        .put("lastSeq", session.lastSeq())));
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
