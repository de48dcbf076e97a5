package io.tandem.session;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.money.Price;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * A session as its participants read it: with its {@code price}, when its join window closes, the
 * client's question ({@code brief}, as the expert saw it in the offer), in person where the two
 * meet, and once it is over its {@code payment} (what it cost the client and earned the expert,
 * refunds included).
 */
public record SessionDetail(SessionRecord session, Price price, Instant joinClosesAt, Optional<String> brief,
    Optional<GeoPoint> meetingPoint, Optional<OutcomeTable.Payment> payment) {
  /** {@code GET /api/v1/sessions/{id}}. */
  public JsonObject toJson() {
    JsonObject view = session.toJson().put("price", price.toJson()).put("joinClosesAt", joinClosesAt.toString())
        .put("brief", brief.orElse(null));
    if (session.mode() == Mode.IN_PERSON) {
      view.put("meetingPoint", meetingPoint.map(GeoPoint::toJson).orElse(null));
    }
    payment.ifPresent(paid -> view.put("payment", paid.toJson(price.currency())));
    return view;
  }
}
