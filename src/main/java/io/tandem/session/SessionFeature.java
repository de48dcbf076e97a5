package io.tandem.session;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.bus.UserEvents;
import io.tandem.matching.ExpertLoads;
import io.tandem.matching.Requeue;
import io.tandem.matching.SessionReady;
import io.tandem.money.Pricing;
import io.tandem.reliability.Penalties;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/** Rooms (chat, signals, presence in the room) and the outcomes of sessions, as the rest of the node uses them. */
public record SessionFeature(RoomService rooms, Outcomes outcomes, SessionViews views) {
  /** {@code chatPool}: the connections chat batches are written on, apart from everything else. */
  public static SessionFeature build(Vertx vertx, Pool pool, Pool chatPool, SessionConfig config, Penalties penalties, Pricing pricing,
      UserEvents users, ExpertLoads loads, Requeue requeue, MeterRegistry meters, SessionReady sessionReady) {
    MessageStore messages = new MessageStore(vertx, chatPool, config.messageBatchMax(), config.messageWriteLanes(),
        meters);
    SessionMetrics metrics = new SessionMetrics(meters);
    SessionRepository repository = new SessionRepository(pool);
    Outcomes outcomes = new Outcomes(pool, penalties, pricing, config, requeue, users, loads, metrics);
    SessionQueries queries = new SessionQueries(pool);
    return new SessionFeature(new RoomService(repository, queries, new Joins(pool, repository, penalties, metrics), messages, users, outcomes, config, sessionReady, pricing),
        outcomes, new SessionViews(pool, queries, pricing, config.lateGrace()));
  }
}
