package io.tandem.bus;

import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * Server events for users, written to every connection they hold. On one node an event is
 * published on the user's node-local address ({@link Addresses#user}); in a cluster it is published
 * once to every node ({@link Addresses#USER_EVENTS}), and each node's {@link #relay} publishes it on
 * its own user address. So a connection never registers anything cluster-wide: it is reachable the
 * moment its local consumer is, however many connect at once. The price is that every node sees
 * every user event and drops those of users it does not hold, which suits the few nodes Tandem runs
 * as (docs/operations.md, "Clustering"); a large cluster would route by the connections table.
 */
public final class UserEvents {
  private final EventBus bus;
  private final boolean clustered;

  public UserEvents(Vertx vertx) {
    this.bus = vertx.eventBus();
    this.clustered = vertx.isClustered();
  }

  /** Publishes to a feature address of {@link Addresses}, for events that are not for one user. */
  public void publish(String address, JsonObject message) {
    bus.publish(address, message);
  }

  /** Sends {@code event} ({@code {"type": ..., ...fields}}) to every device of {@code user}. */
  public void send(UserId user, UserEvent typed) {
    JsonObject event = typed.frame();
    if (clustered) {
      bus.publish(Addresses.USER_EVENTS, new JsonObject().put("user", user.value().toString()).put("event", event));
    } else {
      bus.publish(Addresses.user(user), event);
    }
  }

  /**
   * This node's relay of {@link Addresses#USER_EVENTS} to its connections; completes once the
   * cluster knows of it. One consumer, so events from one sender keep their order here as on the bus.
   */
  public static Future<Void> relay(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    // Local only: the user address is node-local, and a clustered publish would first ask the
    // cluster's map who consumes it (a round trip per event, and wrong should any node consume it cluster-wide).
    DeliveryOptions here = new DeliveryOptions().setLocalOnly(true);
    return bus.<JsonObject>consumer(Addresses.USER_EVENTS, message -> {
      JsonObject body = message.body();
      bus.publish(Addresses.user(new UserId(UUID.fromString(body.getString("user")))), body.getJsonObject("event"), here);
    }).completion();
  }
}
