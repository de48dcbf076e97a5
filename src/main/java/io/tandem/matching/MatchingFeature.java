package io.tandem.matching;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.auth.IceServers;
import io.tandem.auth.TurnConfig;
import io.tandem.bus.UserEvents;
import io.tandem.db.DatabaseOutages;
import io.tandem.expert.ExpertProfiles;
import io.tandem.money.MoneyFeature;
import io.tandem.presence.ExpertPresence;
import io.tandem.reliability.PenaltyConfig;
import io.tandem.reliability.ReliabilityFeature;
import io.tandem.topic.Topics;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

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
  public static MatchingFeature build(Vertx vertx, Pool pool, Pool leasePool, MatchingConfig config, PenaltyConfig penalties, Duration lease, SessionTerms terms,
      TurnConfig turn, Set<String> metricTopics, String nodeId, UserEvents users,
      ReliabilityFeature reliability, MoneyFeature money, ExpertPresence presence, SessionOpening sessions, DatabaseOutages outages,
      MeterRegistry meters, Topics topics, ExpertProfiles profiles) {
    MatchingMetrics metrics = new MatchingMetrics(meters, metricTopics, Clock.systemUTC());
    MatchingQueries queries = new MatchingQueries(pool, money.pricing());
    RequestRepository requestStore = new RequestRepository(pool, money.pricing());
    OfferRepository offerStore = new OfferRepository(pool, money.pricing(), queries);
    ShardStores stores = new ShardStores(requestStore, offerStore, queries,
        new OfferTimeouts(offerStore, reliability.penalties(), presence, penalties, config.clientPresent(), metrics), presence);
    ExpertLoads loads = new ExpertLoads(vertx.eventBus(), queries);
    SessionReady sessionReady = new SessionReady(new IceServers(terms.iceServers(), turn, Clock.systemUTC()), terms.lateGrace());
    MatchingEvents events = new MatchingEvents(vertx.eventBus(), users, loads, sessionReady);
    ShardLeases leases = new ShardLeases(leasePool, nodeId, lease);
    RequestService requests = new RequestService(vertx.eventBus(), requestStore, queries, metrics, events, config, money.ledger(),
        money.pricing(), reliability.reliability(), terms.maxDuration(), topics, profiles);
    return new MatchingFeature(
        requests,
        new OfferService(pool, offerStore, queries, sessions, presence, requests, events, metrics, terms,
            config.clientPresent(), reliability.reliability()),
        new ExpertStats(queries, penalties, config.weights()),
        loads,
        new Requeues(config.requestMaxWait(), events),
        new MatchingVerticle(config, lease, leases, stores, requests, events, metrics, outages),
        leases,
        sessionReady);
  }
}
