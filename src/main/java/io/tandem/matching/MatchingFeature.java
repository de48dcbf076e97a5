package io.tandem.matching;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.auth.IceServers;
import io.tandem.bus.UserEvents;
import io.tandem.config.TandemConfig;
import io.tandem.db.DatabaseOutages;
import io.tandem.presence.ExpertPresence;
import io.tandem.reliability.ReliabilityFeature;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * Requests, offers and the shards that match them, as the rest of the node uses them: the services
 * behind the HTTP and WebSocket calls, the expert loads sessions report to, and the verticle that
 * owns the shards this node holds.
 */
public record MatchingFeature(RequestService requests, OfferService offers, ExpertStats stats, ExpertLoads loads, Requeue requeue,
    MatchingVerticle verticle, ShardLeases leases) {
  /**
   * {@code leasePool}: the lease's own connections, so that renewing it never waits behind other work;
   * {@code sessions}: how an accepted offer's session is opened (the session feature owns that table).
   */
  public static MatchingFeature build(Vertx vertx, Pool pool, Pool leasePool, TandemConfig config, String nodeId, UserEvents users,
      ReliabilityFeature reliability, ExpertPresence presence, SessionOpening sessions, DatabaseOutages outages, MeterRegistry meters) {
    MatchingMetrics metrics = new MatchingMetrics(meters, config.ledger().topicPrices().keySet(), Clock.systemUTC());
    MatchingRepository store = new MatchingRepository(pool, config.ledger(), reliability.penalties(), config.penalties(), sessions, presence,
        metrics);
    ExpertLoads loads = new ExpertLoads(vertx.eventBus(), store);
    MatchingEvents events = new MatchingEvents(vertx.eventBus(), users, loads,
        new IceServers(config.session().iceServers(), config.turn(), Clock.systemUTC()));
    ShardLeases leases = new ShardLeases(leasePool, nodeId, config.cluster().lease());
    return new MatchingFeature(
        new RequestService(vertx.eventBus(), store, events, config.matching(), reliability.ledger(), config.ledger(), reliability.reliability()),
        new OfferService(store, events, config.session(), reliability.reliability()),
        new ExpertStats(store, config.penalties(), config.matching().weights()),
        loads,
        (sql, request) -> MatchingRepository.requeueFirst(sql, request, config.matching().requestMaxWait()),
        new MatchingVerticle(config.matching(), config.cluster().lease(), leases, store, presence, events, metrics, outages),
        leases);
  }
}
