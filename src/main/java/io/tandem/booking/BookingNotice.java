package io.tandem.booking;

import io.tandem.bus.ServerEvent;
import io.tandem.bus.UserEvent;
import io.vertx.core.json.JsonObject;

/**
 * {@code booking.confirmed} (to the expert, when a client books them) and {@code booking.cancelled}
 * (to the side that did not cancel): what the other side did, as the reader sees it ({@code peer}
 * is the other side). {@code toClient}: whether the reader is the booking's client.
 */
record BookingNotice(ServerEvent type, Booking booking, boolean toClient) implements UserEvent {
  static BookingNotice confirmed(Booking booking) {
    return new BookingNotice(ServerEvent.BOOKING_CONFIRMED, booking, false);
  }

  /** To whoever did not cancel it. */
  static BookingNotice cancelled(Booking booking) {
    boolean byClient = booking.cancellation().map(c -> c.by().equals("client")).orElse(false);
    return new BookingNotice(ServerEvent.BOOKING_CANCELLED, booking, !byClient);
  }

  @Override
  public JsonObject fields() {
    Booking.Party peer = toClient ? booking.expert() : booking.client();
    JsonObject fields = new JsonObject().put("bookingId", booking.id().toString()).put("status", booking.status().wireName())
        .put("topic", booking.topic().value()).put("mode", booking.mode().wireName())
        .put("startAt", booking.startAt().toString()).put("endAt", booking.endAt().toString())
        .put("peer", new JsonObject().put("id", peer.id().toString()).put("displayName", peer.displayName())
            .put("role", toClient ? "expert" : "client"));
    booking.cancellation().ifPresent(c -> fields.put("cancelledBy", c.by()).put("cancelFee", c.fee()));
    return fields;
  }

  /** Who is told. */
  io.tandem.kernel.UserId reader() {
    return toClient ? booking.client().id() : booking.expert().id();
  }
}
