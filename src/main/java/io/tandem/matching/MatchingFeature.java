package io.tandem.matching;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.auth.IceServers;
import io.tandem.bus.UserEvents;
import io.tandem.config.TandemConfig;
import io.tandem.db.DatabaseOutages;
import io.tandem.kernel.Topic;
import io.tandem.money.MoneyFeature;
import io.tandem.topic.Topics;
import io.tandem.presence.ExpertPresence;
import io.tandem.reliability.ReliabilityFeature;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Requests, offers and the shards that match them, as the rest of the node uses them: the services
 * behind the HTTP and WebSocket calls, the expert loads sessions report to, and the verticle that
 * owns the shards this node holds.
 */
public record MatchingFeature(RequestService requests, OfferService offers, ExpertStats stats, ExpertLoads loads, Requeue requeue,
    MatchingVerticle verticle, ShardLeases leases, SessionReady sessionReady) {
  /**
   * {@code leasePool}: the lease's own connections, so that renewing it never waits behind other work;
   * {@code sessions}: how an accepted offer's session is opened (the session feature owns that table).
   */
  public static MatchingFeature build(Vertx vertx, Pool pool, Pool leasePool, TandemConfig config, String nodeId, UserEvents users,
      ReliabilityFeature reliability, MoneyFeature money, ExpertPresence presence, SessionOpening sessions, DatabaseOutages outages,
      MeterRegistry meters, Topics topics) {
    // The configured catalogue's roots are the metrics' topics; the rest count as "other".
    Set<String> roots = config.topics().catalogue().keySet().stream().map(t -> new Topic(t).root()).collect(Collectors.toSet());
    MatchingMetrics metrics = new MatchingMetrics(meters, roots, Clock.systemUTC());
    MatchingQueries queries = new MatchingQueries(pool, money.pricing());
    RequestRepository requestStore = new RequestRepository(pool, money.pricing());
    OfferRepository offerStore = new OfferRepository(pool, money.pricing(), queries);
    ShardStores stores = new ShardStores(pool, requestStore, offerStore, queries,
        new OfferTimeouts(offerStore, reliability.penalties(), presence, config.penalties(), config.matching().clientPresent(), metrics), presence);
    ExpertLoads loads = new ExpertLoads(vertx.eventBus(), queries);
    SessionReady sessionReady = new SessionReady(new IceServers(config.session().iceServers(), config.turn(), Clock.systemUTC()),
        config.session().lateGrace());
    MatchingEvents events = new MatchingEvents(vertx.eventBus(), users, loads, sessionReady);
    ShardLeases leases = new ShardLeases(leasePool, nodeId, config.cluster().lease());
    RequestService requests = new RequestService(vertx.eventBus(), requestStore, queries, metrics, events, config.matching(), money.ledger(),
        money.pricing(), reliability.reliability(), config.session().maxDuration(), topics);
    return new MatchingFeature(
        requests,
        new OfferService(pool, offerStore, queries, sessions, presence, requests, events, metrics, config.session(),
            config.matching().clientPresent(), reliability.reliability()),
        new ExpertStats(queries, config.penalties(), config.matching().weights()),
        loads,
        new Requeues(config.matching().requestMaxWait(), events),
        new MatchingVerticle(config.matching(), config.cluster().lease(), leases, stores, requests, events, metrics, outages),
        leases,
        sessionReady);
  }
}
