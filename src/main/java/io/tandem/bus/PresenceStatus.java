package io.tandem.bus;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code presence.status} to every device of an expert: {@code online}, {@code offline} (and why,
 * when it was not their own choice: {@code missed_offers}, {@code disconnected}) or
 * {@code suspended} until when.
 */
public record PresenceStatus(String status, Optional<String> reason, Optional<Instant> suspendedUntil) implements UserEvent {
  public static PresenceStatus online() {
    return new PresenceStatus("online", Optional.empty(), Optional.empty());
  }

  /** {@code reason} may be null: gone offline by their own choice. */
  public static PresenceStatus offline(String reason) {
    return new PresenceStatus("offline", Optional.ofNullable(reason), Optional.empty());
  }

  public static PresenceStatus suspended(Instant until) {
    return new PresenceStatus("suspended", Optional.empty(), Optional.of(until));
  }

  @Override
  public ServerEvent type() {
    return ServerEvent.PRESENCE_STATUS;
  }

  @Override
  public JsonObject fields() {
    JsonObject fields = new JsonObject().put("status", status);
    reason.ifPresent(why -> fields.put("reason", why));
    suspendedUntil.ifPresent(until -> fields.put("suspendedUntil", until.toString()));
    return fields;
  }
}
