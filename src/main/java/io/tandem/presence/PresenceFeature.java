package io.tandem.presence;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.bus.UserEvents;
import io.tandem.expert.ExpertProfiles;
import io.tandem.reliability.BayesianRating;
import io.tandem.reliability.PenaltyConfig;
import io.tandem.reliability.Reliability;
import io.tandem.topic.Topics;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;

/** Who is connected and which experts are online: the store the shards read, and the service the gateway calls. */
public record PresenceFeature(PresenceRepository store, PresenceService service, OnlineExperts online) {
  public static PresenceFeature build(Vertx vertx, Pool pool, PenaltyConfig penalties, Duration reconnectGrace, Duration lease, String nodeId, ExpertProfiles profiles,
      UserEvents users, Reliability reliability, BayesianRating rating, MeterRegistry meters, Topics topics) {
    PresenceRepository store = new PresenceRepository(pool, rating, penalties);
    return new PresenceFeature(store, new PresenceService(vertx, store, profiles, users, reconnectGrace,
        lease, nodeId, reliability, topics), new OnlineExperts(store, meters));
  }
}
