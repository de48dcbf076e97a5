package io.tandem.topic;

import io.tandem.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/** The topic catalogue as the rest of the node uses it; every node reads it again when any node changed it. */
public record TopicFeature(Topics topics) {
  public static TopicFeature build(Vertx vertx, Pool pool, TopicsConfig config) {
    Topics topics = new Topics(pool, config);
    vertx.eventBus().<Object>consumer(Addresses.TOPICS_CHANGED, changed -> topics.refresh());
    return new TopicFeature(topics);
  }
}
