package io.tandem.matching;

import io.tandem.bus.Addresses;
import io.tandem.bus.PresenceMessages;
import io.tandem.kernel.UserId;
import io.vertx.core.eventbus.EventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every matching shard an expert's load as PostgreSQL counts it, after anything changed it
 * (an offer made or closed, a session over), so that shards sharing the expert stay close to truth.
 */
public final class ExpertLoads {
  private static final Logger log = LoggerFactory.getLogger(ExpertLoads.class);

  private final EventBus bus;
  private final MatchingQueries queries;

  public ExpertLoads(EventBus bus, MatchingQueries queries) {
    this.bus = bus;
    this.queries = queries;
  }

  public void changed(UserId expert) {
    queries.loadOf(expert)
        .onSuccess(load -> bus.publish(Addresses.EXPERT_LOAD_CHANGED, PresenceMessages.load(expert, load)))
        .onFailure(e -> log.warn("load of expert {} not published: {}", expert, e.getMessage()));
  }
}
