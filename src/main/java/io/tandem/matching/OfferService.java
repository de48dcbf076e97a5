package io.tandem.matching;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.auth.Role;
import io.tandem.bus.ServerEvent;
import io.tandem.config.TandemConfig.SessionConfig;
import io.tandem.kernel.ExpertSnapshot;
import io.tandem.kernel.OfferId;
import io.tandem.reliability.Reliability;
import io.tandem.wire.ApiError;
import io.tandem.wire.JsonInput;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Experts' answers to offers, on whatever node the expert is connected to. PostgreSQL decides:
 * an offer is accepted at most once, and only while pending and before its deadline.
 */
public final class OfferService {
  private static final Logger log = LoggerFactory.getLogger(OfferService.class);

  private final MatchingRepository repository;
  private final RequestService requests;
  private final MatchingEvents events;
  private final SessionConfig sessions;
  private final Duration clientPresent;
  private final Reliability reliability;

  /** {@code clientPresent}: matching.clientPresentSeconds, how long a poll counts as the client being there. */
  public OfferService(MatchingRepository repository, RequestService requests, MatchingEvents events, SessionConfig sessions, Duration clientPresent,
      Reliability reliability) {
    this.requests = requests;
    this.clientPresent = clientPresent;
    this.reliability = reliability;
    this.repository = repository;
    this.events = events;
    this.sessions = sessions;
  }

  /**
   * {@code offer.accept}: ack {@code {sessionId}}; {@code conflict} when the offer is gone, when the
   * client is not there (the offer is withdrawn, no penalty: {@code offer.revoked}, {@code client_left}),
   * or when the client can no longer pay (the request is cancelled).
   */
  public Future<JsonObject> accept(AuthenticatedUser caller, JsonInput frame) {
    OfferId offer = offerId(caller, frame);
    return repository.accept(offer, caller.id(), sessions.joinWindow(), sessions.inPersonJoinWindow(), clientPresent)
        .recover(failure -> failure instanceof MatchingRepository.ClientCannotPay cannotPay
            ? cancelUnpayable(cannotPay)
            : Future.failedFuture(failure))
        .compose(outcome -> {
          if (outcome instanceof MatchingRepository.AcceptOutcome.ClientAway away) {
            MatchingRepository.ClosedOffer closed = away.offer();
            log.info("offer {} withdrawn at accept: the client of request {} is not there", offer, closed.requestId());
            events.withdrawnFromAbsentClient(closed);
            events.toShard(closed.shard(), ShardMessages.offerClosed(closed.requestId(), caller.id(), ShardMessages.REVOKED));
            return Future.failedFuture(ApiError.conflict("the client has stepped away; the offer is withdrawn, with no penalty to you"));
          }
          if (!(outcome instanceof MatchingRepository.AcceptOutcome.Accepted accepted)) {
            return Future.failedFuture(ApiError.conflict("the offer is gone: taken, timed out or withdrawn"));
          }
          MatchingRepository.Acceptance a = accepted.acceptance();
          log.info("offer {} accepted by expert {}: session {} for request {}", offer, caller.id(), a.sessionId(), a.requestId());
          events.toShard(a.shard(), ShardMessages.offerClosed(a.requestId(), caller.id(), ShardMessages.ACCEPTED));
          return reliability.rating(caller.id())
              .map(rating -> rating.getDouble("average"))
              .otherwise(ExpertSnapshot.UNRATED)
              .map(rating -> {
                events.matched(a, rating);
                return new JsonObject().put("sessionId", a.sessionId().toString());
              });
        });
  }

  /** The client's money ran out between request and match: the request is cancelled, the expert told. */
  private Future<MatchingRepository.AcceptOutcome> cancelUnpayable(MatchingRepository.ClientCannotPay cannotPay) {
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
    return repository.pendingOffersOf(user.id())
        .map(offers -> offers.stream().map(o -> ServerEvent.OFFER.frame(MatchingEvents.offerFields(o))).toList());
  }

  /** {@code offer.decline}: the request moves on to the next candidate. */
  public Future<JsonObject> decline(AuthenticatedUser caller, JsonInput frame) {
    OfferId offer = offerId(caller, frame);
    frame.optionalString("reason", 0, 200);
    return repository.decline(offer, caller.id()).compose(declined -> {
      if (declined.isEmpty()) {
        return Future.failedFuture(ApiError.conflict("the offer is gone: taken, timed out or withdrawn"));
      }
      MatchingRepository.ClosedOffer closed = declined.get();
      log.info("offer {} declined by expert {}; request {} goes to the next candidate", offer, caller.id(), closed.requestId());
      events.loadChanged(caller.id());
      events.toShard(closed.shard(), ShardMessages.offerClosed(closed.requestId(), caller.id(), ShardMessages.DECLINED));
      return Future.succeededFuture(new JsonObject());
    });
  }

  private static OfferId offerId(AuthenticatedUser caller, JsonInput frame) {
    if (caller.role() != Role.EXPERT) {
      throw ApiError.forbidden("only experts answer offers");
    }
    String id = frame.requiredString("offerId", 1, 64);
    return OfferId.parse(id).orElseThrow(() -> frame.invalid("offerId", "is not an offer id"));
  }
}
