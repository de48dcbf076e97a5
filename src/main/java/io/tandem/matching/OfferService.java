package io.tandem.matching;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.auth.Role;
import io.tandem.config.TandemConfig.SessionConfig;
import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.ExpertSnapshot;
import io.tandem.kernel.OfferId;
import io.tandem.reliability.Reliability;
import io.tandem.wire.ApiError;
import io.tandem.wire.JsonInput;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Experts' answers to offers, on whatever node the expert is connected to. PostgreSQL decides:
 * an offer is accepted at most once, and only while pending and before its deadline.
 */
public final class OfferService {
  private static final Logger log = LoggerFactory.getLogger(OfferService.class);

  private final MatchingRepository repository;
  private final MatchingEvents events;
  private final SessionConfig sessions;
  private final Reliability reliability;

  public OfferService(MatchingRepository repository, MatchingEvents events, SessionConfig sessions, Reliability reliability) {
    this.reliability = reliability;
    this.repository = repository;
    this.events = events;
    this.sessions = sessions;
  }

  /** {@code offer.accept}: ack {@code {sessionId}}, or {@code conflict} when the offer is gone. */
  public Future<JsonObject> accept(AuthenticatedUser caller, JsonInput frame) {
    OfferId offer = offerId(caller, frame);
    return repository.accept(offer, caller.id(), sessions.joinWindow(), sessions.inPersonJoinWindow())
        .recover(failure -> failure instanceof MatchingRepository.ClientCannotPay cannotPay
            ? cancelUnpayable(cannotPay)
            : Future.failedFuture(failure))
        .compose(accepted -> {
      if (accepted.isEmpty()) {
        return Future.failedFuture(ApiError.conflict("the offer is gone: taken, timed out or withdrawn"));
      }
      MatchingRepository.Acceptance a = accepted.get();
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
  private Future<java.util.Optional<MatchingRepository.Acceptance>> cancelUnpayable(MatchingRepository.ClientCannotPay cannotPay) {
    log.info("request {} cancelled at accept: its client cannot pay", cannotPay.request());
    return repository.cancel(cannotPay.request(), cannotPay.client()).compose(outcome -> {
      if (outcome instanceof MatchingRepository.Cancellation.Cancelled cancelled) {
        events.requestStatus(cannotPay.client(), cannotPay.request(), RequestStatus.CANCELLED);
        events.toShard(cancelled.request().shard(), ShardMessages.requestClosed(cannotPay.request()));
        cancelled.request().revoked().ifPresent(o -> events.loadChanged(o.expertId()));
      }
      return Future.failedFuture(ApiError.conflict("the client can no longer pay for this consultation; the request is cancelled"));
    });
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
