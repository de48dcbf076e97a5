package io.tandem.booking;

import io.tandem.bus.ServerEvent;
import io.tandem.bus.UserEvent;
import io.tandem.kernel.BookingId;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** {@code booking.reminder} to one side of a booking: it starts at {@code startAt}, {@code leadMinutes} after the reminder was due. */
record BookingReminder(BookingId booking, Topic topic, Mode mode, Instant startAt, int leadMinutes, UserId peer, String peerName,
    String peerRole) implements UserEvent {
  @Override
  public ServerEvent type() {
    return ServerEvent.BOOKING_REMINDER;
  }

  @Override
  public JsonObject fields() {
    return new JsonObject().put("bookingId", booking.toString()).put("topic", topic.value()).put("mode", mode.wireName())
        .put("startAt", startAt.toString()).put("leadMinutes", leadMinutes)
        .put("peer", new JsonObject().put("id", peer.toString()).put("displayName", peerName).put("role", peerRole));
  }
}
