package io.tandem.matching;

import io.tandem.bus.Addresses;
import io.tandem.config.TandemConfig.MatchingConfig;
import io.tandem.kernel.ExpertSnapshot;
import io.tandem.kernel.Mode;
import io.tandem.kernel.OfferId;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.matching.Matchmaker.Proposal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
  /** The longest wait between batches while offer writes keep failing. */
  private static final long MAX_BACKOFF_MS = 5000;

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
  private final Deadlines deadlines;
  private final Map<RequestId, OfferId> pendingOffers = new HashMap<>();
  /** In-person requests being switched to their fallback mode in PostgreSQL right now. */
  private final MatchingMetrics metrics;
  private final Set<RequestId> fallingBack = new HashSet<>();
  private MessageConsumer<JsonObject> consumer;
  private boolean batchScheduled;
  private boolean standingScheduled;
  private long lastStandingPush;
  private boolean batchRunning;
  private boolean dirty;
  private boolean stopped;
  /** Batches in a row whose writes failed (the database is in trouble): the next one waits longer. */
  private int failedBatches;
  /** Requests changed while a reconciliation read was in flight; that read is too old to judge them. */
  private Set<RequestId> touchedDuringReconcile;

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
    this.matchmaker = new Matchmaker(config);
    this.eta = new EtaEstimator(config.defaultEta());
    this.queueStanding = new QueueStanding(matchmaker, eta, config.statusPushesPerRound());
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
      if (!pendingOffers.containsKey(offer.requestId())) {
        adopt(offer, now);
      }
    }
  }

  /** Takes a waiting request read from PostgreSQL into the queue, with whom it excludes and its deadline. */
  private void adopt(RequestRecord record, MatchingQueries.ShardState state) {
    WaitingRequest waiting = record.toWaiting();
    state.excluded().getOrDefault(record.id(), List.of()).forEach(waiting::exclude);
    matchmaker.enqueue(waiting);
    scheduleExpiry(waiting);
  }

  /** Takes a pending offer read from PostgreSQL under this shard's watch, deadline included. */
  private void adopt(MatchingQueries.PendingOffer offer, Instant now) {
    matchmaker.offerMade(offer.requestId(), offer.expertId(), now);
    trackOffer(offer.requestId(), offer.id(), offer.expiresAt());
  }

  void stop() {
    stopped = true;
    metrics.queues(shard, Map.of());
    if (consumer != null) {
      consumer.unregister();
    }
    deadlines.stop();
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
      withdrawOffersTo(expert);
    }
    // Either way the standing of the waiting may change (an expert more or fewer who could take them).
    markDirty();
  }

  /**
   * The expert went offline (or their connection closed for good): the offers this shard has on
   * their screen are taken back at once rather than left to time out, without a penalty, and the
   * requests move on. PostgreSQL decides (the offer must still be pending), so a timeout or an
   * answer racing this one wins or loses cleanly.
   */
  private void withdrawOffersTo(UserId expert) {
    for (WaitingRequest request : matchmaker.waiting()) {
      OfferId offer = pendingOffers.get(request.id());
      if (offer == null || !request.offeredTo().filter(expert::equals).isPresent()) {
        continue;
      }
      stores.offers().revoke(offer)
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
    if (!stopped) {
      offerEnded(closed.requestId(), closed.expertId(), false);
      pushStanding();
    }
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
          scheduleExpiry(waiting);
          markDirty();
        }
        // The client reads this in the answer to its create; no need to push it again.
        Optional<QueueStanding.Standing> standing = queueStanding.tellNow(request);
        message.reply(standing.map(QueueStanding.Standing::toJson).orElseGet(JsonObject::new));
      }
      case ShardMessages.POSITION -> queueStanding.of(request).map(QueueStanding.Standing::toJson)
          .ifPresentOrElse(message::reply, () -> message.fail(404, "not waiting"));
      case ShardMessages.OFFER_CLOSED -> {
        touched(request);
        String outcome = m.getString("outcome");
        if (ShardMessages.ACCEPTED.equals(outcome)) {
          matchmaker.remove(request).ifPresent(r -> eta.recordMatch(r.topic(), r.waited(Instant.now())));
          forget(request);
        } else {
          offerEnded(request, ShardMessages.expertId(m), !ShardMessages.REVOKED.equals(outcome));
          if (ShardMessages.REVOKED.equals(outcome)) {
            matchmaker.clientAway(request, true);
          }
        }
        pushStanding();
      }
      case ShardMessages.CLIENT_BACK -> {
        matchmaker.clientAway(request, false);
        markDirty();
      }
      case ShardMessages.REQUEST_CLOSED -> {
        touched(request);
        matchmaker.remove(request);
        forget(request);
        pushStanding();
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
    long delay = Math.min(MAX_BACKOFF_MS, config.batchWindow().toMillis() << Math.min(failedBatches, 16));
    vertx.setTimer(delay, t -> runBatch());
  }

  /**
   * One batch: everything that arrived within the window is assigned together, then the offers are
   * written, all in one round trip. The next batch waits for these writes, so a request is never
   * proposed twice at once.
   */
  private void runBatch() {
    batchScheduled = false;
    if (stopped) {
      return;
    }
    dirty = false;
    fallBackWhereNobodyIsNear();
    List<Proposal> proposals = matchmaker.assign(Instant.now());
    if (proposals.isEmpty()) {
      pushStanding();
      return;
    }
    batchRunning = true;
    List<OfferProposal> writes = proposals.stream()
        .map(p -> new OfferProposal(p.request().id(), p.expert().id(), p.distanceKm(), p.request().topic(),
            p.request().mode())).toList();
    stores.offers().makeOffers(shard, epoch, nodeId, writes, config.offerTimeout(), config.clientPresent())
        .onSuccess(attempts -> {
          List<UserId> offered = new ArrayList<>();
          for (int i = 0; i < attempts.size(); i++) {
            written(proposals.get(i), attempts.get(i));
            if (attempts.get(i) instanceof OfferAttempt.Made) {
              offered.add(proposals.get(i).expert().id());
            }
          }
          // The experts offered count as busy from now for the fairness ranking (presence's column,
          // written after the commit: a lost write costs an expert a little fairness, never a guarantee).
          if (!offered.isEmpty()) {
            stores.presence().offered(stores.pool(), offered)
                .onFailure(e -> log.debug("idle times of {} experts offered not recorded: {}", offered.size(), e.getMessage()));
          }
        })
        .onFailure(e -> {
          log.warn("a batch of {} offers of shard {} not written (the next batch tries again): {}", proposals.size(), shard, e.getMessage());
          dirty = true;
        })
        .onComplete(done -> {
          batchRunning = false;
          failedBatches = done.succeeded() ? 0 : failedBatches + 1;
          pushStanding();
          if (dirty) {
            scheduleBatch();
          }
        });
  }

  /**
   * An in-person request whose client chose a fallback mode switches to it as soon as nobody who
   * could meet them is within range (or online in person at all). PostgreSQL switches it first (it
   * must still be queued in person, so never under an offer); the client is told with a
   * {@code request.status} that carries the new {@code mode}.
   */
  private void fallBackWhereNobodyIsNear() {
    for (WaitingRequest request : matchmaker.waiting()) {
      if (request.fallbackMode().isEmpty() || request.offeredTo().isPresent() || fallingBack.contains(request.id())) {
        continue;
      }
      if (!matchmaker.outlook(request).stall().filter(Stall::nobodyNear).isPresent()) {
        continue;
      }
      RequestId id = request.id();
      Mode fallback = request.fallbackMode().get();
      fallingBack.add(id);
      stores.requests().fallBack(id, request.topic(), fallback)
          .onSuccess(switched -> {
            if (switched.isEmpty() || stopped) {
              return;
            }
            matchmaker.request(id).ifPresent(r -> {
              r.fallBack();
              log.info("request {}: nobody within range in person; switched to {} as its client chose", id, fallback.wireName());
              queueStanding.tellNow(id).ifPresent(standing -> events.requestFellBack(r.clientId(), standing, fallback, switched.get()));
              markDirty();
            });
          })
          .onFailure(e -> log.warn("request {} not switched to {} (the next batch tries again): {}", id, fallback.wireName(), e.getMessage()))
          .onComplete(done -> fallingBack.remove(id));
    }
  }

  /** What came of one proposal of the batch. */
  private void written(Proposal p, OfferAttempt attempt) {
    if (attempt instanceof OfferAttempt.Made made) {
      offered(p, made);
      return;
    }
    if (stopped) {
      return;
    }
    if (attempt instanceof OfferAttempt.ExpertUnavailable) {
      matchmaker.proposalRefused(p.expert().id());
      dirty = true;
    } else if (attempt instanceof OfferAttempt.RequestGone) {
      matchmaker.remove(p.request().id());
      forget(p.request().id());
    } else if (attempt instanceof OfferAttempt.ClientAway) {
      // Proposed to nobody until the client is back (a connection of theirs opens, or the next
      // reconciliation asks PostgreSQL again); the sweep cancels it if they stay gone.
      log.debug("request {}: its client is not there; held", p.request().id());
      matchmaker.clientAway(p.request().id(), true);
    } else if (attempt instanceof OfferAttempt.Fenced) {
      log.warn("shard {} lost its lease (epoch {}): offering stops here", shard, epoch);
      onFenced.run();
    }
  }

  /**
   * The offer is committed, so the expert is told even if this shard stopped meanwhile (the next
   * owner tracks its deadline) — unless the request was closed while the offer was written, in
   * which case the expert has already been told it is revoked.
   */
  private void offered(Proposal p, OfferAttempt.Made made) {
    WaitingRequest request = p.request();
    if (!stopped && matchmaker.request(request.id()).isEmpty()) {
      return;
    }
    if (!stopped) {
      if (request.excludesNobody() && request.offeredTo().isEmpty()) {
        metrics.firstOffer(request.topic(), request.waited(Instant.now()));
      }
      matchmaker.offerMade(request.id(), p.expert().id(), Instant.now());
      trackOffer(request.id(), made.offerId(), made.expiresAt());
    }
    // The client learns at once that an expert is looking at its request, with its standing; that
    // standing counts as told, so that the return to 'queued' after a decline is news again.
    Optional<QueueStanding.Standing> standing = stopped ? Optional.empty() : queueStanding.tellNow(request.id());
    standing.ifPresentOrElse(s -> events.requestStatus(request.clientId(), s),
        () -> events.requestStatus(request.clientId(), request.id(), RequestStatus.OFFERED));
    log.info("request {} offered to expert {} (offer {}, score {}, {} km)", request.id(), p.expert().id(), made.offerId(),
        String.format("%.2f", p.score()), String.format("%.1f", p.distanceKm()));
    events.offer(p.expert().id(), made.offerId(), request, p.distanceKm(), made.brief(), made.clientDisplayName(), made.expiresAt(), made.price());
    events.loadChanged(p.expert().id());
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
    touchedDuringReconcile = new HashSet<>();
    return stores.queries().shardState(shard).map(state -> {
      Set<RequestId> recent = touchedDuringReconcile;
      touchedDuringReconcile = null;
      if (stopped || batchRunning) {
        return null; // writes in flight make this read stale; the next tick tries again
      }
      Map<RequestId, RequestRecord> waitingInDb = new HashMap<>();
      state.requests().forEach(r -> waitingInDb.put(r.id(), r));
      Map<RequestId, MatchingQueries.PendingOffer> pendingInDb = new HashMap<>();
      state.pendingOffers().forEach(o -> pendingInDb.put(o.requestId(), o));
      for (WaitingRequest inMemory : matchmaker.waiting()) {
        RequestId id = inMemory.id();
        // Held for a client who was not there: asked again now (make_offers says whether they are
        // back), should the message that they are back have been lost.
        inMemory.clientAway(false);
        if (recent.contains(id)) {
          continue;
        }
        if (!waitingInDb.containsKey(id)) {
          log.info("shard {}: request {} is no longer waiting; forgotten", shard, id);
          matchmaker.remove(id);
          forget(id);
        } else if (inMemory.offeredTo().isPresent() && !pendingInDb.containsKey(id)) {
          log.info("shard {}: the offer of request {} has ended; back in the queue", shard, id);
          // Declined or missed, as a rule (this shard would have seen its own revoke): not asked again.
          offerEnded(id, inMemory.offeredTo().get(), true);
        }
      }
      Instant now = Instant.now();
      for (RequestRecord record : state.requests()) {
        if (!recent.contains(record.id()) && matchmaker.request(record.id()).isEmpty()) {
          log.info("shard {}: request {} was waiting unseen; queued", shard, record.id());
          adopt(record, state);
          MatchingQueries.PendingOffer offer = pendingInDb.get(record.id());
          if (offer != null) {
            adopt(offer, now);
          }
        }
      }
      markDirty();
      pushStanding();
      return null;
    });
  }

  private void touched(RequestId request) {
    if (touchedDuringReconcile != null) {
      touchedDuringReconcile.add(request);
    }
  }

  // ---- deadlines

  private void trackOffer(RequestId request, OfferId offer, Instant expiresAt) {
    touched(request);
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
    if (!stopped) {
      offerEnded(closed.requestId(), closed.expertId(), !closed.clientAway());
      if (closed.clientAway()) {
        matchmaker.clientAway(closed.requestId(), true);
      }
      pushStanding();
    }
  }

  /** {@code exclude}: the expert declined or missed it, and is never asked again; a revoked offer excludes nobody. */
  private void offerEnded(RequestId request, UserId expert, boolean exclude) {
    touched(request);
    pendingOffers.remove(request);
    deadlines.cancelOffer(request);
    matchmaker.offerEnded(request, expert, exclude);
    markDirty();
  }

  private void scheduleExpiry(WaitingRequest request) {
    deadlines.expiry(request.id(), request.expiresAt(), () -> stores.requests().expire(request.id())
        .onSuccess(closed -> closed.ifPresent(this::expired))
        .onFailure(e -> log.warn("request {} expiry not written (the sweeper will retry): {}", request.id(), e.getMessage())));
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
    pushStanding();
  }

  private void forget(RequestId request) {
    deadlines.cancelAll(request);
    pendingOffers.remove(request);
    queueStanding.forget(request);
  }

  // ---- queue position and ETA

  /**
   * Pushes {@code request.status} to every client whose status, position or (stepped) ETA changed,
   * at most once per {@code matching.statusPushIntervalMs}: a round walks the whole queue, and
   * rounds on every event made the work grow with the square of the queue, which stalled a shard
   * once a queue formed. Changes in between wait for the next round, and so does what did not fit
   * in one ({@code matching.statusPushesPerRound}, see {@link QueueStanding#changed}).
   */
  private void pushStanding() {
    if (stopped || standingScheduled) {
      return;
    }
    long wait = lastStandingPush + config.statusPushInterval().toMillis() - System.currentTimeMillis();
    if (wait <= 0) {
      pushStandingNow();
      return;
    }
    standingScheduled = true;
    vertx.setTimer(wait, t -> {
      standingScheduled = false;
      pushStandingNow();
    });
  }

  private void pushStandingNow() {
    if (stopped) {
      return;
    }
    lastStandingPush = System.currentTimeMillis();
    sampleQueues();
    for (QueueStanding.Standing standing : queueStanding.changed()) {
      events.requestStatus(standing.client(), standing);
    }
    if (queueStanding.behind()) {
      pushStanding();
    }
  }

  /** The queue of each topic root, for the {@code /metrics} gauges; taken as often as standings are pushed. */
  private void sampleQueues() {
    Map<String, MatchingMetrics.QueueSample> byRoot = new HashMap<>();
    for (Topic topic : matchmaker.queuedTopics()) {
      matchmaker.front(topic).ifPresent(front -> byRoot.merge(metrics.tag(topic),
          new MatchingMetrics.QueueSample(matchmaker.depth(topic), front.queuedAt()),
          (a, b) -> new MatchingMetrics.QueueSample(a.depth() + b.depth(),
              a.oldestQueuedAt().isBefore(b.oldestQueuedAt()) ? a.oldestQueuedAt() : b.oldestQueuedAt())));
    }
    metrics.queues(shard, byRoot);
  }
}
