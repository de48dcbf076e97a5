package io.tandem.booking;

import io.tandem.kernel.BookingId;
import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.SessionStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.money.Price;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * A booking as stored: an expert's slot {@code [startAt, endAt)} held for a client, its price held
 * in escrow since it was made, and the cancellation terms it was made under: free until
 * {@code freeCancelUntil}, {@code lateCancelFee} after that. {@code cancelFee} is what a
 * cancellation cost the client (0 when free or the expert's doing); {@code sessionStatus}, once it
 * opened, where its session stands (waiting, active, or how it ended).
 */
public record Booking(BookingId id, Party client, Party expert, Topic topic, Mode mode, Instant startAt, Instant endAt, Price price,
    String brief, Optional<GeoPoint> meetingPoint, Instant freeCancelUntil, long lateCancelFee, BookingStatus status,
    Optional<Cancellation> cancellation, Optional<SessionStatus> sessionStatus) {

  /** One side of a booking, with the name the other side sees. */
  public record Party(UserId id, String displayName) {
    JsonObject toJson() {
      return new JsonObject().put("id", id.toString()).put("displayName", displayName);
    }
  }

  /** Who cancelled it ({@code client} or {@code expert}), when, and what it cost the client. */
  public record Cancellation(String by, Instant at, long fee) {}

  public boolean hasParticipant(UserId user) {
    return client.id().equals(user) || expert.id().equals(user);
  }

  /** The contract's {@code Booking}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id.toString())
        .put("status", status.wireName())
        .put("topic", topic.value())
        .put("mode", mode.wireName())
        .put("startAt", startAt.toString())
        .put("endAt", endAt.toString())
        .put("price", price.toJson())
        .put("freeCancelUntil", freeCancelUntil.toString())
        .put("lateCancelFee", lateCancelFee)
        .put("brief", brief)
        .put("client", client.toJson())
        .put("expert", expert.toJson());
    meetingPoint.ifPresent(p -> json.put("meetingPoint", new JsonObject().put("lat", p.lat()).put("lng", p.lng())));
    if (status == BookingStatus.OPENED) {
      json.put("sessionId", id.session().toString());
      sessionStatus.ifPresent(s -> json.put("sessionStatus", s.wireName()));
    }
    cancellation.ifPresent(c -> json.put("cancelledBy", c.by()).put("cancelledAt", c.at().toString()).put("cancelFee", c.fee()));
    return json;
  }
}
