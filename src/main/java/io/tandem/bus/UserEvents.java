package io.tandem.bus;

import io.tandem.kernel.UserId;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/** Server events for users: published on their address, written to every connection they hold. */
public final class UserEvents {
  private final EventBus bus;

  public UserEvents(EventBus bus) {
    this.bus = bus;
  }

  /** Publishes to a feature address of {@link Addresses}, for events that are not for one user. */
  public void publish(String address, JsonObject message) {
    bus.publish(address, message);
  }

  /** Sends {@code {"type": type, ...fields}} to every device of {@code user}. */
  public void send(UserId user, String type, JsonObject fields) {
    bus.publish(Addresses.user(user), new JsonObject().put("type", type).mergeIn(fields));
  }
}
