package io.tandem.matching;

import io.tandem.kernel.OfferId;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.UserId;
import io.tandem.matching.Matchmaker.Proposal;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offers of one shard, from written to ended (accepted elsewhere, declined, timed out, taken
 * back), and the deadlines of its requests and offers: what each outcome changes in the shard's
 * {@link Matchmaker}, and who is told.
 *
 * <p>Runs on its shard's event loop, as the shard does; nothing here needs locks.
 */
final class ShardOffers {
  private static final Logger log = LoggerFactory.getLogger(ShardOffers.class);

  /** What the offers need of their shard. */
  interface Host {
    /** The shard stopped (fenced or given up): the database's outcomes are still told, its memory no longer changes. */
    boolean stopped();

    /** Something changed that a batch should look at. */
    void markDirty();

    /** The batch running now should be followed by another. */
    void batchAgain();

    /** The request changed while a reconciliation read was in flight. */
    void touched(RequestId request);

    /** PostgreSQL refused an offer for the shard's lease: it must stop. */
    void fenced();
  }

  private final Host host;
  private final Matchmaker matchmaker;
  private final ShardStores stores;
  private final MatchingEvents events;
  private final MatchingMetrics metrics;
  private final QueueStanding standing;
  private final StandingPushes standings;
  private final Deadlines deadlines;
  private final Map<RequestId, OfferId> pendingOffers = new HashMap<>();

  ShardOffers(Vertx vertx, Host host, Matchmaker matchmaker, ShardStores stores, MatchingEvents events, MatchingMetrics metrics,
      QueueStanding standing, StandingPushes standings) {
    this.host = host;
    this.matchmaker = matchmaker;
    this.stores = stores;
    this.events = events;
    this.metrics = metrics;
    this.standing = standing;
    this.standings = standings;
    this.deadlines = new Deadlines(new Deadlines.Timers() {
      @Override
      public long set(long delayMs, Runnable action) {
        return vertx.setTimer(delayMs, t -> action.run());
      }

      @Override
      public void cancel(long id) {
        vertx.cancelTimer(id);
      }
    }, Clock.systemUTC());
  }

  /** Whether this shard watches a pending offer of {@code request}. */
  boolean pending(RequestId request) {
    return pendingOffers.containsKey(request);
  }

  /** The shard stopped: no deadline fires any more (the next owner, or the sweeper, takes them). */
  void stop() {
    deadlines.stop();
  }

  /**
   * The expert went offline (or their connection closed for good): the offers this shard has on
   * their screen are taken back at once rather than left to time out, without a penalty, and the
   * requests move on. PostgreSQL decides (the offer must still be pending), so a timeout or an
   * answer racing this one wins or loses cleanly.
   */
  void withdrawOffersTo(UserId expert) {
    for (WaitingRequest request : matchmaker.waiting()) {
      OfferId offer = pendingOffers.get(request.id());
      if (offer == null || !request.offeredTo().filter(expert::equals).isPresent()) {
        continue;
      }
      stores.offers().revoke(offer)
          .onSuccess(closed -> closed.ifPresent(c -> metrics.offersClosed(OfferState.REVOKED, List.of(c))))
          .onSuccess(closed -> closed.ifPresent(this::withdrawn))
          .onFailure(e -> log.warn("offer {} to expert {}, who went offline, not revoked (it will time out without a penalty): {}",
              offer, expert, e.getMessage()));
    }
  }

  private void withdrawn(ClosedOffer closed) {
    log.info("offer {} revoked: expert {} went offline; request {} goes to the next candidate", closed.offerId(), closed.expertId(),
        closed.requestId());
    events.offerRevoked(closed.expertId(), closed.offerId(), "expert_offline");
    events.loadChanged(closed.expertId());
    if (!host.stopped()) {
      ended(closed.requestId(), closed.expertId(), false);
      standings.push();
    }
  }

  /**
   * What came of a batch's proposals ({@code attempts} in their order). The experts offered count
   * as busy from now in this shard's ranking ({@link Matchmaker#offerMade}); PostgreSQL's idle time
   * starts again when they answer or miss it, in that transaction ({@code ExpertPresence}), rather
   * than in a commit of its own for every offer.
   */
  void written(List<Proposal> proposals, List<OfferAttempt> attempts) {
    int made = 0;
    for (int i = 0; i < attempts.size(); i++) {
      written(proposals.get(i), attempts.get(i));
      if (attempts.get(i) instanceof OfferAttempt.Made) {
        made++;
      }
    }
    if (made > 0) {
      metrics.offersMade(made);
    }
  }

  /** What came of one proposal of the batch. */
  private void written(Proposal p, OfferAttempt attempt) {
    if (attempt instanceof OfferAttempt.Made made) {
      offered(p, made);
      return;
    }
    if (host.stopped()) {
      return;
    }
    if (attempt instanceof OfferAttempt.ExpertUnavailable) {
      matchmaker.proposalRefused(p.expert().id());
      host.batchAgain();
    } else if (attempt instanceof OfferAttempt.RequestGone) {
      matchmaker.remove(p.request().id());
      forget(p.request().id());
    } else if (attempt instanceof OfferAttempt.ClientAway) {
      // Proposed to nobody until the client is back (a connection of theirs opens, or the next
      // reconciliation asks PostgreSQL again); the sweep cancels it if they stay gone.
      log.debug("request {}: its client is not there; held", p.request().id());
      matchmaker.clientAway(p.request().id(), true);
    } else if (attempt instanceof OfferAttempt.Fenced) {
      host.fenced();
    } else if (attempt instanceof OfferAttempt.NotChosen) {
      log.warn("request {} asks for another expert than {}, which this shard did not know; the next reconciliation reads it again",
          p.request().id(), p.expert().id());
    }
  }

  /**
   * The offer is committed, so the expert is told even if this shard stopped meanwhile (the next
   * owner tracks its deadline) — unless the request was closed while the offer was written, in
   * which case the expert has already been told it is revoked.
   */
  private void offered(Proposal p, OfferAttempt.Made made) {
    WaitingRequest request = p.request();
    if (!host.stopped() && matchmaker.request(request.id()).isEmpty()) {
      return;
    }
    if (!host.stopped()) {
      if (request.excludesNobody() && request.offeredTo().isEmpty()) {
        metrics.firstOffer(request.topic(), request.waited(Instant.now()));
      }
      matchmaker.offerMade(request.id(), p.expert().id(), Instant.now());
      track(request.id(), made.offerId(), made.expiresAt());
    }
    // The client learns at once that an expert is looking at its request, with its standing; that
    // standing counts as told, so that the return to 'queued' after a decline is news again.
    Optional<QueueStanding.Standing> told = host.stopped() ? Optional.empty() : standing.tellNow(request.id());
    told.ifPresentOrElse(s -> events.requestStatus(request.clientId(), s),
        () -> events.requestStatus(request.clientId(), request.id(), RequestStatus.OFFERED));
    log.info("request {} offered to expert {} (offer {}, score {}, {})", request.id(), p.expert().id(), made.offerId(),
        String.format("%.2f", p.score()), Double.isFinite(p.distanceKm()) ? String.format("%.1f km", p.distanceKm()) : "distance unknown");
    events.offer(p.expert().id(), made.offerId(), request, p.distanceKm(), made.brief(), made.clientDisplayName(), made.expiresAt(), made.price());
    events.loadChanged(p.expert().id());
  }

  void track(RequestId request, OfferId offer, Instant expiresAt) {
    host.touched(request);
    pendingOffers.put(request, offer);
    deadlines.offer(request, expiresAt, () -> stores.timeouts().timeOut(offer).onSuccess(closed -> closed.ifPresent(this::timedOut))
        .onFailure(e -> log.warn("offer {} timeout not written (the sweeper will retry): {}", offer, e.getMessage())));
  }

  private void timedOut(ClosedOffer closed) {
    events.timedOut(closed);
    if (closed.clientAway()) {
      // Nobody's fault: the expert may be asked again, once the client is back.
      log.info("offer {} to expert {} withdrawn at its deadline: the client of request {} is not there", closed.offerId(), closed.expertId(),
          closed.requestId());
    } else {
      log.info("offer {} to expert {} timed out; request {} goes to the next candidate", closed.offerId(), closed.expertId(), closed.requestId());
    }
    if (!host.stopped()) {
      ended(closed.requestId(), closed.expertId(), !closed.clientAway());
      if (closed.clientAway()) {
        matchmaker.clientAway(closed.requestId(), true);
      }
      standings.push();
    }
  }

  /** {@code exclude}: the expert declined or missed it, and is never asked again; a revoked offer excludes nobody. */
  void ended(RequestId request, UserId expert, boolean exclude) {
    host.touched(request);
    pendingOffers.remove(request);
    deadlines.cancelOffer(request);
    matchmaker.offerEnded(request, expert, exclude);
    host.markDirty();
  }

  void scheduleExpiry(WaitingRequest request) {
    scheduleExpiry(request.id(), request.expiresAt());
  }

  void scheduleExpiry(RequestId request, Instant expiresAt) {
    deadlines.expiry(request, expiresAt, () -> stores.requests().expire(request)
        .onSuccess(closed -> closed.ifPresent(c -> metrics.requestsClosed(RequestStatus.EXPIRED, List.of(c))))
        .onSuccess(closed -> closed.ifPresent(this::expired))
        .onFailure(e -> log.warn("request {} expiry not written (the sweeper will retry): {}", request, e.getMessage())));
  }

  private void expired(ClosedRequest closed) {
    log.info("request {} expired without a match", closed.requestId());
    events.requestExpired(closed.clientId(), closed.requestId());
    closed.revoked().ifPresent(offer -> {
      events.offerRevoked(offer.expertId(), offer.offerId(), "expired");
      events.loadChanged(offer.expertId());
    });
    matchmaker.remove(closed.requestId());
    forget(closed.requestId());
    standings.push();
  }

  void forget(RequestId request) {
    deadlines.cancelAll(request);
    pendingOffers.remove(request);
    standing.forget(request);
  }
}
