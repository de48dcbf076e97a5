package io.tandem.matching;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.auth.Role;
import io.tandem.kernel.ExpertSnapshot;
import io.tandem.kernel.Mode;
import io.tandem.kernel.OfferId;
import io.tandem.kernel.UserId;
import io.tandem.money.Ledger;
import io.tandem.presence.ExpertPresence;
import io.tandem.reliability.Reliability;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Experts' answers to offers, on whatever node the expert is connected to. PostgreSQL decides:
 * an offer is accepted at most once, and only while pending and before its deadline.
 */
public final class OfferService {
  private static final Logger log = LoggerFactory.getLogger(OfferService.class);

  private final Pool pool;
  private final OfferRepository offers;
  private final MatchingQueries queries;
  private final SessionOpening sessions;
  private final ExpertPresence presence;
  private final RequestService requests;
  private final MatchingEvents events;
  private final MatchingMetrics metrics;
  private final SessionTerms terms;
  private final Duration clientPresent;
  private final Reliability reliability;

  /**
   * {@code sessions}: how an accepted offer's session is opened (the session feature owns that
   * table); {@code presence}: the experts' run of missed offers, ended by an answer;
   * {@code clientPresent}: matching.clientPresentSeconds, how long a poll counts as the client being there.
   */
  public OfferService(Pool pool, OfferRepository offers, MatchingQueries queries, SessionOpening sessions, ExpertPresence presence,
      RequestService requests, MatchingEvents events, MatchingMetrics metrics, SessionTerms terms, Duration clientPresent,
      Reliability reliability) {
    this.pool = pool;
    this.offers = offers;
    this.queries = queries;
    this.sessions = sessions;
    this.presence = presence;
    this.requests = requests;
    this.events = events;
    this.metrics = metrics;
    this.terms = terms;
    this.clientPresent = clientPresent;
    this.reliability = reliability;
  }

  /**
   * {@code offer.accept}: the session's id; {@code conflict} when the offer is gone, when the client
   * is not there (the offer is withdrawn, no penalty: {@code offer.revoked}, {@code client_left}),
   * or when the client can no longer pay (the request is cancelled).
   */
  public Future<UUID> accept(AuthenticatedUser caller, OfferId offer) {
    requireExpert(caller);
    return acceptInOneTransaction(offer, caller.id())
        .recover(failure -> failure instanceof ClientCannotPay cannotPay
            ? cancelUnpayable(cannotPay)
            : Future.failedFuture(failure))
        .compose(outcome -> {
          if (outcome instanceof AcceptOutcome.ClientAway away) {
            ClosedOffer closed = away.offer();
            log.info("offer {} withdrawn at accept: the client of request {} is not there", offer, closed.requestId());
            events.withdrawnFromAbsentClient(closed);
            events.toShard(closed.shard(), ShardMessages.offerClosed(closed.requestId(), caller.id(), ShardMessages.REVOKED));
            return Future.failedFuture(ApiError.conflict("the client has stepped away; the offer is withdrawn, with no penalty to you"));
          }
          if (!(outcome instanceof AcceptOutcome.Opened opened)) {
            return Future.failedFuture(ApiError.conflict("the offer is gone: taken, timed out or withdrawn"));
          }
          Acceptance a = opened.acceptance();
          log.info("offer {} accepted by expert {}: session {} for request {}", offer, caller.id(), a.sessionId(), a.requestId());
          events.toShard(a.shard(), ShardMessages.offerClosed(a.requestId(), caller.id(), ShardMessages.ACCEPTED));
          return reliability.rating(caller.id())
              .map(rating -> rating.average())
              .otherwise(ExpertSnapshot.UNRATED)
              .map(rating -> {
                events.matched(a, rating);
                return a.sessionId();
              });
        });
  }

  /**
   * In one transaction the offer is accepted, its request matched, the session opened and the
   * client's price held; a client who cannot pay undoes it all ({@link ClientCannotPay}): nobody is
   * matched to a session that is not paid for.
   */
  private Future<AcceptOutcome> acceptInOneTransaction(OfferId offer, UserId expert) {
    UUID session = UUID.randomUUID();
    return pool.withTransaction(conn -> offers.accept(conn, offer, expert, session, clientPresent)
            .compose(outcome -> outcome instanceof AcceptOutcome.Matched matched
                ? openAndHold(conn, offer, session, expert, matched)
                : Future.succeededFuture(outcome)))
        .onSuccess(outcome -> {
          if (outcome instanceof AcceptOutcome.Opened opened) {
            metrics.offerClosed(OfferState.ACCEPTED);
            metrics.requestMatched(opened.acceptance().topic(), Duration.between(opened.acceptance().queuedAt(), Instant.now()));
          } else if (outcome instanceof AcceptOutcome.ClientAway) {
            metrics.offerClosed(OfferState.REVOKED);
          }
        });
  }

  /** Opens the session (meeting where the expert is, for in-person) and holds its price in escrow, or the match does not happen. */
  private Future<AcceptOutcome> openAndHold(SqlConnection conn, OfferId offer, UUID session, UserId expert, AcceptOutcome.Matched m) {
    boolean inPerson = m.mode() == Mode.IN_PERSON;
    return sessions.open(conn, new SessionOpening.NewSession(session, m.requestId(), offer, m.clientId(), expert, m.topic(), m.mode(),
            terms.joinWindow(m.mode()),
            inPerson ? m.expertLocation() : java.util.Optional.empty(), m.price()))
        .compose(joinDeadline -> Ledger.hold(conn, session, m.clientId(), m.price().amount())
            .compose(held -> held == Ledger.Posting.POSTED ? Future.succeededFuture(joinDeadline)
                : Future.failedFuture(new ClientCannotPay(m.requestId(), m.clientId()))))
        .compose(joinDeadline -> presence.answered(conn, List.of(expert)).map(joinDeadline))
        .map(joinDeadline -> new AcceptOutcome.Opened(new Acceptance(session, m.requestId(), m.clientId(), expert, m.topic(), m.mode(),
            m.shard(), m.queuedAt(), joinDeadline, m.clientName(), m.expertName(), m.price())));
  }

  /** The client's money ran out between request and match: the request is cancelled, the expert told. */
  private Future<AcceptOutcome> cancelUnpayable(ClientCannotPay cannotPay) {
    log.info("request {} cancelled at accept: its client cannot pay", cannotPay.request());
    return requests.cancel(cannotPay.request(), cannotPay.client(), CancelReason.UNPAYABLE)
        .compose(outcome -> Future.failedFuture(ApiError.conflict("the client can no longer pay for this consultation; the request is cancelled")));
  }

  /**
   * What a new connection of an expert is told at once: their offers still pending, with the time
   * left (an offer written to a connection that then dropped is not lost with it).
   */
  public Future<List<JsonObject>> greeting(AuthenticatedUser user) {
    if (user.role() != Role.EXPERT) {
      return Future.succeededFuture(List.of());
    }
    return queries.pendingOffersOf(user.id())
        .map(pending -> pending.stream().map(o -> new MatchingEvents.OfferShown(o).frame()).toList());
  }

  /** {@code offer.decline}: the request moves on to the next candidate; the expert's run of missed offers ends. */
  public Future<Void> decline(AuthenticatedUser caller, OfferId offer) {
    requireExpert(caller);
    return offers.decline(offer, caller.id(), (conn, closed) -> presence.answered(conn, closed.stream().map(ClosedOffer::expertId).toList()).map(closed))
        .onSuccess(declined -> declined.ifPresent(c -> metrics.offersClosed(OfferState.DECLINED, List.of(c))))
        .compose(declined -> {
          if (declined.isEmpty()) {
            return Future.failedFuture(ApiError.conflict("the offer is gone: taken, timed out or withdrawn"));
          }
          ClosedOffer closed = declined.get();
          log.info("offer {} declined by expert {}; request {} goes to the next candidate", offer, caller.id(), closed.requestId());
          events.loadChanged(caller.id());
          events.toShard(closed.shard(), ShardMessages.offerClosed(closed.requestId(), caller.id(), ShardMessages.DECLINED));
          return Future.succeededFuture();
        });
  }

  /** Only experts answer offers: the edges ask first, before reading the rest of the frame. */
  public static void requireExpert(AuthenticatedUser caller) {
    if (caller.role() != Role.EXPERT) {
      throw ApiError.forbidden("only experts answer offers");
    }
  }
}
