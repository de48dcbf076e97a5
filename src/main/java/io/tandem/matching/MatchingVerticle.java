package io.tandem.matching;

import io.tandem.bus.Addresses;
import io.tandem.bus.PresenceMessages;
import io.tandem.db.DatabaseOutages;
import io.tandem.kernel.RequestStatus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this node's part of matching. Every lease/3 it renews its heartbeat and its shard leases,
 * and takes vacant shards up to its fair share ({@code shards / live nodes}, rounded up) or gives
 * one back above it. It also sweeps deadlines that a dead node's timers would have fired: the
 * conditional writes make that safe to do on every node at once.
 */
public final class MatchingVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MatchingVerticle.class);
  /** The sweeper leaves each deadline this long to the owner's own timer first. */
  private static final Duration SWEEP_GRACE = Duration.ofSeconds(1);
  private static final int SWEEP_BATCH = 200;

  private final MatchingConfig config;
  private final Duration lease;
  private final ShardLeases leases;
  private final ShardStores stores;
  private final RequestService requests;
  private final Map<Integer, ShardRuntime> owned = new HashMap<>();
  private final MatchingEvents events;
  private final DatabaseOutages outages;
  private final MatchingMetrics metrics;
  private boolean ticking;
  private boolean sweeping;
  private boolean stopped;

  MatchingVerticle(MatchingConfig config, Duration lease, ShardLeases leases, ShardStores stores, RequestService requests,
      MatchingEvents events, MatchingMetrics metrics, DatabaseOutages outages) {
    this.requests = requests;
    this.metrics = metrics;
    this.outages = outages;
    this.config = config;
    this.events = events;
    this.lease = lease;
    this.leases = leases;
    this.stores = stores;
  }

  @Override
  public Future<?> start() {
    var presenceChanges = vertx.eventBus().<JsonObject>consumer(Addresses.PRESENCE_CHANGED, m -> {
      var expert = PresenceMessages.expertId(m.body());
      var snapshot = PresenceMessages.snapshot(m.body());
      boolean silent = PresenceMessages.silent(m.body());
      owned.values().forEach(shard -> shard.expertChanged(expert, snapshot, silent));
    });
    var loadChanges = vertx.eventBus().<JsonObject>consumer(Addresses.EXPERT_LOAD_CHANGED, m -> {
      var expert = PresenceMessages.expertId(m.body());
      int load = m.body().getInteger("load");
      owned.values().forEach(shard -> shard.loadChanged(expert, load));
    });
    return Future.join(presenceChanges.completion(), loadChanges.completion())
        .compose(v -> tick())
        .onSuccess(v -> {
          long period = Math.max(500, lease.toMillis() / 3);
          // The heartbeat has its own timer: a tick held up by slow lease work must not let this
          // node look dead to the others, who would then forget its connections.
          vertx.setPeriodic(period, t -> leases.heartbeat()
              .onFailure(e -> {
                if (!outages.absorb(e, "heartbeat")) {
                  log.warn("heartbeat not written: {}", e.getMessage());
                }
              }));
          vertx.setPeriodic(period, t -> tick());
          vertx.setPeriodic(config.sweepInterval().toMillis(), t -> sweep());
        });
  }

  /** Gives every shard back at once so that the other nodes need not wait for the leases to run out. */
  @Override
  public Future<?> stop() {
    stopped = true;
    List<Future<Void>> released = new ArrayList<>();
    for (ShardRuntime shard : owned.values()) {
      shard.stop();
      metrics.leaseReleased();
      released.add(leases.release(shard.shard()));
    }
    owned.clear();
    return Future.join(released).eventually(leases::leave);
  }

  private Future<Void> tick() {
    if (ticking || stopped) {
      return Future.succeededFuture();
    }
    ticking = true;
    return leases.renew(new ArrayList<>(owned.keySet()))
        .map(kept -> {
          for (ShardRuntime shard : List.copyOf(owned.values())) {
            Long epoch = kept.get(shard.shard());
            if (epoch == null || epoch != shard.epoch()) {
              log.warn("lease of shard {} lost; another node takes it over", shard.shard());
              drop(shard.shard(), true);
            }
          }
          return null;
        })
        .compose(v -> leases.liveNodes())
        .compose(this::rebalance)
        .compose(v -> Future.join(owned.values().stream().map(ShardRuntime::reconcile).toList()).<Void>mapEmpty())
        .onFailure(e -> {
          if (!stopped && !outages.absorb(e, "lease tick")) {
            log.warn("lease tick failed (retrying in {} ms): {}", lease.toMillis() / 3, e.getMessage());
          }
        })
        .eventually(() -> {
          ticking = false;
          return Future.succeededFuture();
        });
  }

  private Future<Void> rebalance(int liveNodes) {
    int fairShare = (config.shards() + liveNodes - 1) / liveNodes;
    int before = owned.size();
    if (owned.size() > fairShare) {
      List<Integer> giveBack = owned.keySet().stream().sorted().skip(fairShare).toList();
      log.info("giving shards {} back: {} nodes share {} shards", giveBack, liveNodes, config.shards());
      giveBack.forEach(shard -> drop(shard, false));
      return Future.join(giveBack.stream().map(leases::release).toList()).mapEmpty();
    }
    if (owned.size() == fairShare) {
      return Future.succeededFuture();
    }
    return leases.vacant(config.shards()).compose(vacant -> {
      Collections.shuffle(vacant); // nodes starting together then rarely race for the same shard
      return acquireSome(vacant, fairShare - owned.size());
    }).onSuccess(v -> {
      if (owned.size() != before) {
        log.info("this node now owns matching shards {} ({} nodes live)", owned.keySet().stream().sorted().toList(), liveNodes);
      }
    });
  }

  private Future<Void> acquireSome(List<Integer> candidates, int wanted) {
    if (wanted <= 0 || candidates.isEmpty() || stopped) {
      return Future.succeededFuture();
    }
    int shard = candidates.get(0);
    List<Integer> rest = candidates.subList(1, candidates.size());
    return leases.acquire(shard).compose(epoch -> {
      if (epoch == null) {
        return acquireSome(rest, wanted);
      }
      if (stopped) {
        return leases.release(shard);
      }
      ShardRuntime runtime = new ShardRuntime(vertx, shard, epoch, leases.nodeId(), config, stores, events, metrics,
          () -> drop(shard, true));
      owned.put(shard, runtime);
      metrics.leaseAcquired();
      log.debug("shard {} taken with epoch {}", shard, epoch);
      return runtime.start()
          .recover(e -> {
            if (!stopped) {
              log.warn("shard {} did not start: {}; giving it back", shard, e.getMessage());
            }
            drop(shard, false);
            return leases.release(shard);
          })
          .compose(v -> acquireSome(rest, wanted - 1));
    });
  }

  /** Stops the shard's runtime once, however many of its writes found it fenced; {@code lost}: taken from us, not given back. */
  private void drop(int shard, boolean lost) {
    ShardRuntime runtime = owned.remove(shard);
    if (runtime != null) {
      runtime.stop();
      if (lost) {
        metrics.leaseLost();
      } else {
        metrics.leaseReleased();
      }
    }
  }

  /**
   * Fires overdue offer and request deadlines whose timers died with their node, and cancels the
   * requests of clients who are gone ({@code matching.clientGoneSeconds}).
   */
  private void sweep() {
    if (sweeping || stopped) {
      return;
    }
    sweeping = true;
    stores.timeouts().timeOutOverdue(SWEEP_GRACE, SWEEP_BATCH)
        .map(closed -> {
          for (ClosedOffer offer : closed) {
            log.info("sweeper: offer {} to expert {} {}", offer.offerId(), offer.expertId(), offer.clientAway() ? "withdrawn, its client away" : "timed out");
            events.timedOut(offer);
            events.toShard(offer.shard(), ShardMessages.offerClosed(offer.requestId(), offer.expertId(),
                offer.clientAway() ? ShardMessages.REVOKED : "timed_out"));
          }
          return null;
        })
        .compose(v -> stores.requests().expireOverdue(SWEEP_GRACE, SWEEP_BATCH)
            .onSuccess(closed -> metrics.requestsClosed(RequestStatus.EXPIRED, closed)))
        .map(closed -> {
          for (ClosedRequest request : closed) {
            log.info("sweeper: request {} expired", request.requestId());
            events.requestExpired(request.clientId(), request.requestId());
            request.revoked().ifPresent(offer -> {
              events.offerRevoked(offer.expertId(), offer.offerId(), "expired");
              events.loadChanged(offer.expertId());
            });
            events.toShard(request.shard(), ShardMessages.requestClosed(request.requestId()));
          }
          return null;
        })
        .compose(v -> stores.requests().cancelForGoneClients(config.clientGone(), SWEEP_BATCH)
            .onSuccess(closed -> metrics.requestsClosed(RequestStatus.CANCELLED, closed)))
        .map(cancelled -> {
          cancelled.forEach(request -> requests.closed(request, CancelReason.CLIENT_LEFT));
          return null;
        })
        .onFailure(e -> {
          if (!stopped && !outages.absorb(e, "matching sweep")) {
            log.warn("sweep failed: {}", e.getMessage());
          }
        })
        .onComplete(done -> sweeping = false);
  }
}
