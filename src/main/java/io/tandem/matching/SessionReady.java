package io.tandem.matching;

import io.tandem.auth.IceServers;
import io.tandem.kernel.BookingId;
import io.tandem.kernel.Mode;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.UserId;
import io.tandem.money.Price;
import io.tandem.bus.ServerEvent;
import io.tandem.bus.UserEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The {@code session.ready} event, the one shape whether it announces a match or tells a
 * connection that came later of a session still open. {@code joinDeadline} is when joining stops
 * being on time; {@code joinClosesAt}, that plus {@code session.lateGraceSeconds}, when the join
 * window is closed and whoever is missing has not shown: the instants the server applies.
 */
public final class SessionReady {
  private final IceServers iceServers;
  private final Duration lateGrace;

  public SessionReady(IceServers iceServers, Duration lateGrace) {
    this.iceServers = iceServers;
    this.lateGrace = lateGrace;
  }

  /**
   * {@code session.ready} to one participant; {@code iceServers}: the contract's list, with TURN
   * credentials minted for them. A session matched from a request names it ({@code request});
   * one opened from a booking names that instead ({@code booking}); the other is null.
   */
  public record Event(UUID session, RequestId request, BookingId booking, Mode mode, Price price, UserId peer, String peerName, String peerRole,
      Instant joinDeadline, Instant joinClosesAt, JsonArray iceServers) implements UserEvent {
    @Override
    public ServerEvent type() {
      return ServerEvent.SESSION_READY;
    }

    @Override
    public JsonObject fields() {
      JsonObject fields = new JsonObject().put("sessionId", session.toString());
      if (request != null) {
        fields.put("requestId", request.toString());
      }
      if (booking != null) {
        fields.put("bookingId", booking.toString());
      }
      return fields
          .put("mode", mode.wireName())
          .put("price", price.toJson())
          .put("peer", new JsonObject().put("id", peer.toString()).put("displayName", peerName).put("role", peerRole))
          .put("joinDeadline", joinDeadline.toString())
          .put("joinClosesAt", joinClosesAt.toString())
          .put("iceServers", iceServers);
    }
  }

  /** What {@code to} is told of a session with {@code peer}: the ICE servers carry TURN credentials minted for them. */
  public Event event(UUID session, RequestId request, BookingId booking, Mode mode, Price price, UserId to, UserId peer, String peerName,
      String peerRole, Instant joinDeadline) {
    return new Event(session, request, booking, mode, price, peer, peerName, peerRole, joinDeadline, joinDeadline.plus(lateGrace), iceServers.forUser(to));
  }
}
