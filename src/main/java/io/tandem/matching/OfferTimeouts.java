package io.tandem.matching;

import io.tandem.kernel.OfferId;
import io.tandem.presence.ExpertPresence;
import io.tandem.reliability.Penalties;
import io.tandem.reliability.PenaltyConfig;
import io.tandem.reliability.PenaltyKind;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * An offer's deadline passing, and what a missed offer costs its expert, in the transaction that
 * closes it: the offer-timeout penalty, and offline at the {@code penalties.missedOffersOffline}-th
 * miss in a row. An offer missed while the expert was away (offline, or in the reconnect grace)
 * costs nothing and is marked so, for their acceptance rate does not count it either; one whose
 * client was not there was nobody's to answer (revoked instead), and costs nothing.
 */
public final class OfferTimeouts {
  private final OfferRepository offers;
  private final Penalties penalties;
  private final ExpertPresence presence;
  private final PenaltyConfig penaltyConfig;
  private final Duration clientPresent;
  private final MatchingMetrics metrics;

  /** {@code clientPresent}: matching.clientPresentSeconds, how long a poll counts as the client being there. */
  public OfferTimeouts(OfferRepository offers, Penalties penalties, ExpertPresence presence, PenaltyConfig penaltyConfig, Duration clientPresent,
      MatchingMetrics metrics) {
    this.metrics = metrics;
    this.offers = offers;
    this.penalties = penalties;
    this.presence = presence;
    this.penaltyConfig = penaltyConfig;
    this.clientPresent = clientPresent;
  }

  /** The owner's timer for {@code offer} fired. */
  public Future<Optional<ClosedOffer>> timeOut(OfferId offer) {
    return offers.timeOut(offer, clientPresent, this::missed)
        .onSuccess(closed -> closed.ifPresent(c -> metrics.offersClosed(OfferState.TIMED_OUT, List.of(c))));
  }

  /** Sweeper: every pending offer whose deadline passed more than {@code grace} ago (a dead node's timers). */
  public Future<List<ClosedOffer>> timeOutOverdue(Duration grace, int limit) {
    return offers.timeOutOverdue(grace, limit, clientPresent, this::missed)
        .onSuccess(closed -> metrics.offersClosed(OfferState.TIMED_OUT, closed));
  }

  private Future<List<ClosedOffer>> missed(SqlConnection conn, List<ClosedOffer> closed) {
    // Accounts are locked before presence rows everywhere (the penalty locks the account), and
    // experts in id order, so that no two transactions wait on each other in opposite orders.
    List<ClosedOffer> byExpert = closed.stream().sorted(Comparator.comparing(c -> c.expertId().value())).toList();
    Future<List<ClosedOffer>> result = Future.succeededFuture(new ArrayList<>());
    for (ClosedOffer offer : byExpert) {
      result = result.compose(done -> (offer.clientAway() ? Future.succeededFuture(offer) : presence.away(conn, offer.expertId())
              .compose(away -> away ? offers.markExpertAway(conn, offer) : missedPresent(conn, offer)))
          .map(missed -> {
            done.add(missed);
            return done;
          }));
    }
    return result;
  }

  private Future<ClosedOffer> missedPresent(SqlConnection conn, ClosedOffer offer) {
    return penalties.record(conn, offer.expertId(), PenaltyKind.OFFER_TIMEOUT, true, "did not answer an offer in time", null, offer.offerId().value())
        .compose(penalty -> presence.missed(conn, offer.expertId(), penaltyConfig.missedOffersOffline())
            .map(wentOffline -> new ClosedOffer(offer.offerId(), offer.requestId(), offer.expertId(), offer.shard(), penalty, wentOffline, false)));
  }
}
