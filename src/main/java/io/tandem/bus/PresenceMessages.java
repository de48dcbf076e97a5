package io.tandem.bus;

import io.tandem.kernel.ExpertSnapshot;
import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON of {@code tandem.presence.changed} and {@code tandem.matching.expert-load-changed}.
 * An expert who went offline is sent as {@code {"expertId", "online": false}}.
 */
public final class PresenceMessages {
  private PresenceMessages() {}

  public static JsonObject online(ExpertSnapshot e) {
    return new JsonObject()
        .put("expertId", e.id().toString())
        .put("online", true)
        .put("available", e.available())
        .put("topics", new JsonArray(e.topics().stream().map(Topic::value).toList()))
        .put("modes", new JsonArray(e.modes().stream().map(Mode::wireName).toList()))
        .put("lat", e.location().map(GeoPoint::lat).orElse(null))
        .put("lng", e.location().map(GeoPoint::lng).orElse(null))
        .put("capacity", e.capacity())
        .put("load", e.load())
        .put("idleSince", e.idleSince().toEpochMilli())
        .put("rating", e.rating())
        .put("reliability", e.reliability())
        .put("acceptance", e.acceptance());
  }

  /**
   * An expert whose last connection was closed for silence (it froze: nothing heard for
   * ws.idleTimeoutSeconds): still in their reconnect grace, but what is on that screen was not
   * seen; their pending offers go to the next expert at once.
   */
  public static JsonObject silent(ExpertSnapshot e) {
    return online(e).put(SILENT, true);
  }

  /** Whether a presence message is {@link #silent}'s. */
  public static boolean silent(JsonObject message) {
    return message.getBoolean(SILENT, false);
  }

  private static final String SILENT = "silent";

  public static JsonObject offline(UserId expert) {
    return new JsonObject().put("expertId", expert.toString()).put("online", false);
  }

  /**
   * An expert went offline, whoever decided it: the shards stop offering to them, and every device
   * of theirs gets {@code presence.status} (the {@code status} fields: offline or suspended, and why).
   */
  public static void announceOffline(UserEvents events, UserId expert, PresenceStatus status) {
    events.publish(Addresses.PRESENCE_CHANGED, offline(expert));
    events.send(expert, status);
  }

  public static UserId expertId(JsonObject message) {
    return new UserId(java.util.UUID.fromString(message.getString("expertId")));
  }

  /** The snapshot of an online expert, or empty for an expert who went offline. */
  public static Optional<ExpertSnapshot> snapshot(JsonObject m) {
    if (!m.getBoolean("online", false)) {
      return Optional.empty();
    }
    Set<Topic> topics = new LinkedHashSet<>();
    m.getJsonArray("topics").forEach(t -> topics.add(new Topic((String) t)));
    Set<Mode> modes = EnumSet.noneOf(Mode.class);
    m.getJsonArray("modes").forEach(name -> Mode.fromWire((String) name).ifPresent(modes::add));
    return Optional.of(new ExpertSnapshot(
        expertId(m), topics, modes, GeoPoint.of(m.getDouble("lat"), m.getDouble("lng")), m.getInteger("capacity"),
        m.getBoolean("available"), m.getInteger("load"), Instant.ofEpochMilli(m.getLong("idleSince")),
        m.getDouble("rating"), m.getDouble("reliability"), m.getDouble("acceptance", ExpertSnapshot.FULLY_ACCEPTING)));
  }

  public static JsonObject load(UserId expert, int load) {
    return new JsonObject().put("expertId", expert.toString()).put("load", load);
  }
}
