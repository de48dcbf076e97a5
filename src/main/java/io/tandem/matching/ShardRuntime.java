package io.tandem.matching;

import io.tandem.bus.Addresses;
import io.tandem.bus.EventLoop;
import io.tandem.kernel.ExpertSnapshot;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.UserId;
import io.tandem.matching.Matchmaker.Proposal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard this node owns: its {@link Matchmaker}, the timers of its offers and requests, and
 * the consumer of its address. It makes offers only while its lease is held with its epoch;
 * PostgreSQL checks that on every offer, and a refusal stops the shard.
 *
 * <p>Runs on the event loop of the {@link MatchingVerticle}; nothing here needs locks.
 */
final class ShardRuntime {
  private static final Logger log = LoggerFactory.getLogger(ShardRuntime.class);

  private final Vertx vertx;
  private final int shard;
  private final long epoch;
  private final String nodeId;
  private final MatchingConfig config;
  private final ShardStores stores;
  private final MatchingEvents events;
  private final Runnable onFenced;
  private final Matchmaker matchmaker;
  private final EtaEstimator eta;

  private final QueueStanding queueStanding;
  private final ShardOffers offers;
  private final MatchingMetrics metrics;
  private final StandingPushes standings;
  private final InPersonFallback fallback;
  private MessageConsumer<JsonObject> consumer;
  private boolean batchScheduled;
  private boolean batchRunning;
  private boolean dirty;
  private boolean stopped;
  private final BatchPacing pacing;
  /** Requests changed while a reconciliation read was in flight; that read is too old to judge them. */
  private Set<RequestId> touchedDuringReconcile;
  private final UnstoredRequests unstored;

  ShardRuntime(Vertx vertx, int shard, long epoch, String nodeId, MatchingConfig config, ShardStores stores,
      MatchingEvents events, MatchingMetrics metrics, Runnable onFenced) {
    this.metrics = metrics;
    this.vertx = vertx;
    this.shard = shard;
    this.epoch = epoch;
    this.nodeId = nodeId;
    this.config = config;
    this.stores = stores;
    this.events = events;
    this.onFenced = onFenced;
    this.pacing = new BatchPacing(config.batchWindow(), System.nanoTime());
    this.matchmaker = new Matchmaker(config);
    this.eta = new EtaEstimator(config.defaultEta());
    this.queueStanding = new QueueStanding(matchmaker, eta, config.statusPushesPerRound());
    this.standings = new StandingPushes(vertx, shard, config, matchmaker, queueStanding, events, metrics);
    this.fallback = new InPersonFallback(matchmaker, stores.requests(), queueStanding, events);
    OffersHost host = new OffersHost();
    this.offers = new ShardOffers(vertx, host, matchmaker, stores, events, metrics, queueStanding, standings);
    this.unstored = new UnstoredRequests(shard, host, matchmaker, offers, queueStanding);
  }

  int shard() {
    return shard;
  }

  long epoch() {
    return epoch;
  }

  /** Listens first, then rebuilds from PostgreSQL, so that nothing committed in between is missed. */
  Future<Void> start() {
    consumer = vertx.eventBus().consumer(Addresses.matchingShard(shard), this::onMessage);
    return consumer.completion()
        .compose(v -> stores.presence().allOnline())
        .map(experts -> {
          experts.stream().filter(e -> Shards.covers(shard, e, config.shards())).forEach(matchmaker::putExpert);
          return null;
        })
        .compose(v -> stores.queries().shardState(shard))
        .map(state -> {
          if (stopped) {
            return null;
          }
          resume(state);
          log.debug("shard {} (epoch {}) resumed with {} waiting requests and {} pending offers",
              shard, epoch, state.requests().size(), state.pendingOffers().size());
          markDirty();
          return null;
        });
  }

  private void resume(MatchingQueries.ShardState state) {
    Instant now = Instant.now();
    for (RequestRecord record : state.requests()) {
      if (matchmaker.request(record.id()).isPresent()) {
        continue; // queued by a message while we were loading; that copy is current
      }
      adopt(record, state);
    }
    for (MatchingQueries.PendingOffer offer : state.pendingOffers()) {
      if (!offers.pending(offer.requestId())) {
        adopt(offer, now);
      }
    }
  }

  /** Takes a waiting request read from PostgreSQL into the queue, with whom it excludes and its deadline. */
  private void adopt(RequestRecord record, MatchingQueries.ShardState state) {
    WaitingRequest waiting = record.toWaiting();
    state.excluded().getOrDefault(record.id(), List.of()).forEach(waiting::exclude);
    matchmaker.enqueue(waiting);
    offers.scheduleExpiry(waiting);
  }

  /** Takes a pending offer read from PostgreSQL under this shard's watch, deadline included. */
  private void adopt(MatchingQueries.PendingOffer offer, Instant now) {
    matchmaker.offerMade(offer.requestId(), offer.expertId(), now);
    offers.track(offer.requestId(), offer.id(), offer.expiresAt());
  }

  void stop() {
    stopped = true;
    unstored.stop();
    standings.stop();
    if (consumer != null) {
      consumer.unregister();
    }
    offers.stop();
  }

  // ---- presence

  /** {@code silent}: the expert's last connection was closed for silence (PresenceMessages.silent): their offers are withdrawn too. */
  void expertChanged(UserId expert, Optional<ExpertSnapshot> snapshot, boolean silent) {
    if (snapshot.isPresent() && Shards.covers(shard, snapshot.get(), config.shards())) {
      matchmaker.putExpert(snapshot.get());
    } else {
      matchmaker.removeExpert(expert);
    }
    if (snapshot.isEmpty() || silent) {
      offers.withdrawOffersTo(expert);
    }
    // Either way the standing of the waiting may change (an expert more or fewer who could take them).
    markDirty();
  }

  void loadChanged(UserId expert, int load) {
    matchmaker.setLoad(expert, load);
    markDirty();
  }

  // ---- commands

  private void onMessage(Message<JsonObject> message) {
    JsonObject m = message.body();
    RequestId request = ShardMessages.requestId(m);
    switch (m.getString("op", "")) {
      case ShardMessages.QUEUED -> {
        touched(request);
        if (matchmaker.request(request).isEmpty()) {
          WaitingRequest waiting = ShardMessages.waiting(m);
          matchmaker.enqueue(waiting);
          offers.scheduleExpiry(waiting);
          markDirty();
        } else if (unstored.storedByCaller(request)) {
          offers.scheduleExpiry(ShardMessages.waiting(m));
        }
        // The client reads this in the answer to its create; no need to push it again.
        Optional<QueueStanding.Standing> standing = queueStanding.tellNow(request);
        message.reply(standing.map(QueueStanding.Standing::toJson).orElseGet(JsonObject::new));
      }
      case ShardMessages.STORE -> {
        if (unstored.add(request, message)) {
          touched(request);
          if (matchmaker.request(request).isEmpty()) {
            matchmaker.enqueue(ShardMessages.waiting(m));
          }
          markDirty();
        }
      }
      case ShardMessages.POSITION -> queueStanding.of(request).map(QueueStanding.Standing::toJson)
          .ifPresentOrElse(message::reply, () -> message.fail(404, "not waiting"));
      case ShardMessages.OFFER_CLOSED -> {
        touched(request);
        String outcome = m.getString("outcome");
        if (ShardMessages.ACCEPTED.equals(outcome)) {
          matchmaker.remove(request).ifPresent(r -> eta.recordMatch(r.topic(), r.waited(Instant.now())));
          offers.forget(request);
        } else {
          offers.ended(request, ShardMessages.expertId(m), !ShardMessages.REVOKED.equals(outcome));
          if (ShardMessages.REVOKED.equals(outcome)) {
            matchmaker.clientAway(request, true);
          }
        }
        standings.push();
      }
      case ShardMessages.CLIENT_BACK -> {
        matchmaker.clientAway(request, false);
        markDirty();
      }
      case ShardMessages.OPENED -> {
        matchmaker.openToAll(request);
        markDirty();
        standings.push();
      }
      case ShardMessages.REQUEST_CLOSED -> {
        touched(request);
        matchmaker.remove(request);
        offers.forget(request);
        standings.push();
      }
      default -> log.warn("shard {} got an unknown command {}", shard, m.encode());
    }
  }

  // ---- batches

  private void markDirty() {
    dirty = true;
    scheduleBatch();
  }

  private void scheduleBatch() {
    if (stopped || batchScheduled || batchRunning) {
      return;
    }
    batchScheduled = true;
    long delayMs = pacing.delay(System.nanoTime()).toMillis();
    if (delayMs == 0) {
      // After a quiet window nothing says company is coming: the batch runs after what this event
      // loop already holds, which joins it.
      EventLoop.current(vertx).later(this::runBatch);
    } else {
      vertx.setTimer(delayMs, t -> runBatch());
    }
  }

  /**
   * One batch: everything that arrived within the window is assigned together, then the new
   * requests and the offers are written, all in one round trip and one commit. The next batch
   * waits for these writes, so a request is never proposed twice at once; {@link BatchPacing} says
   * when it may start.
   */
  private void runBatch() {
    batchScheduled = false;
    if (stopped) {
      return;
    }
    pacing.started(System.nanoTime());
    dirty = false;
    fallback.switchWhereNobodyIsNear(() -> stopped, this::markDirty);
    List<Proposal> proposals = matchmaker.assign(Instant.now());
    UnstoredRequests.Batch storing = unstored.take();
    if (proposals.isEmpty() && storing.isEmpty()) {
      standings.push();
      return;
    }
    batchRunning = true;
    List<OfferProposal> writes = proposals.stream()
        .map(p -> new OfferProposal(p.request().id(), p.expert().id(), p.distanceKm(), p.request().topic(),
            p.request().mode())).toList();
    stores.offers().write(shard, epoch, nodeId, storing.rows(), writes, config.offerTimeout(), config.clientPresent())
        .onSuccess(written -> {
          // The callers first: a client hears its request is stored before it hears it is offered.
          boolean fenced = written.attempts().stream().anyMatch(OfferAttempt.Fenced.class::isInstance);
          if (storing.answer(written.stored(), UnstoredRequests.offered(proposals, written.attempts()), fenced)) {
            dirty = true;
          }
          offers.written(proposals, written.attempts());
        })
        .onFailure(e -> {
          log.warn("a batch of {} offers and {} new requests of shard {} not written (the next batch tries the offers again,"
              + " the requests' callers store them themselves): {}", proposals.size(), storing.size(), shard, e.getMessage());
          storing.failed(e);
          dirty = true;
        })
        .onComplete(done -> {
          batchRunning = false;
          pacing.written(done.succeeded());
          standings.push();
          if (dirty) {
            scheduleBatch();
          }
        });
  }

  // ---- reconciliation

  /**
   * Compares this shard's memory with PostgreSQL and repairs it: a command lost on the bus (a node
   * died with it, or the bus delivered it to a dying owner) costs a few seconds, not a request.
   * It also runs a batch, so that waits which open new candidates (the parent topic) are acted on.
   */
  Future<Void> reconcile() {
    if (stopped || touchedDuringReconcile != null) {
      return Future.succeededFuture();
    }
    // Requests waiting to be stored are not in PostgreSQL yet: the read cannot judge them.
    touchedDuringReconcile = new HashSet<>(unstored.ids());
    return stores.queries().shardState(shard).map(state -> {
      Set<RequestId> recent = touchedDuringReconcile;
      touchedDuringReconcile = null;
      if (stopped || batchRunning) {
        return null; // writes in flight make this read stale; the next tick tries again
      }
      // Held for a client who was not there: asked again now (make_offers says whether they are
      // back), should the message that they are back have been lost.
      matchmaker.waiting().forEach(waiting -> waiting.clientAway(false));
      Reconciliation repairs = Reconciliation.of(matchmaker.waiting(), recent, state);
      for (RequestId gone : repairs.gone()) {
        log.info("shard {}: request {} is no longer waiting; forgotten", shard, gone);
        matchmaker.remove(gone);
        offers.forget(gone);
      }
      repairs.opened().forEach(matchmaker::openToAll);
      repairs.offersEnded().forEach((request, expert) -> {
        log.info("shard {}: the offer of request {} has ended; back in the queue", shard, request);
        offers.ended(request, expert, true);
      });
      Instant now = Instant.now();
      for (Reconciliation.Unseen unseen : repairs.unseen()) {
        log.info("shard {}: request {} was waiting unseen; queued", shard, unseen.request().id());
        adopt(unseen.request(), state);
        unseen.pendingOffer().ifPresent(offer -> adopt(offer, now));
      }
      markDirty();
      standings.push();
      return null;
    });
  }

  private void touched(RequestId request) {
    if (touchedDuringReconcile != null) {
      touchedDuringReconcile.add(request);
    }
  }

  /** What this shard's offers need of it. */
  private final class OffersHost implements ShardOffers.Host {
    @Override
    public boolean stopped() {
      return stopped;
    }

    @Override
    public void markDirty() {
      ShardRuntime.this.markDirty();
    }

    @Override
    public void batchAgain() {
      dirty = true;
    }

    @Override
    public void touched(RequestId request) {
      ShardRuntime.this.touched(request);
    }

    @Override
    public void fenced() {
      log.warn("shard {} lost its lease (epoch {}): offering stops here", shard, epoch);
      onFenced.run();
    }
  }
}
