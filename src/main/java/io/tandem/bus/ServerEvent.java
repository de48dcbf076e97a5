package io.tandem.bus;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every event the server sends to a user's connections (docs/protocol.md), by its wire type: the
 * one catalogue. The contract's AsyncAPI document lists the same set as its {@code event.*}
 * messages, and a test holds the two together.
 */
public enum ServerEvent {
  OFFER("offer"),
  OFFER_REVOKED("offer.revoked"),
  PENALTY("penalty"),
  PRESENCE_STATUS("presence.status"),
  REQUEST_STATUS("request.status"),
  REQUEST_MATCHED("request.matched"),
  REQUEST_EXPIRED("request.expired"),
  SESSION_READY("session.ready"),
  SESSION_ACTIVE("session.active"),
  SESSION_ENDING("session.ending"),
  SESSION_ENDED("session.ended"),
  ROOM_MESSAGE("room.message"),
  ROOM_PRESENCE("room.presence"),
  ROOM_SIGNAL("room.signal"),
  ROOM_TYPING("room.typing"),
  BOOKING_CONFIRMED("booking.confirmed"),
  BOOKING_CANCELLED("booking.cancelled"),
  BOOKING_REMINDER("booking.reminder");

  private final String wireName;

  ServerEvent(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The event as it goes on the wire: {@code {"type": wireName, ...fields}}. */
  public JsonObject frame(JsonObject fields) {
    return new JsonObject().put("type", wireName).mergeIn(fields);
  }

  /** The wire types of all of them. */
  public static Set<String> wireNames() {
    return Arrays.stream(values()).map(ServerEvent::wireName).collect(Collectors.toUnmodifiableSet());
  }
}
