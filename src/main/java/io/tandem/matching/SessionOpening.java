package io.tandem.matching;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.OfferId;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.money.Price;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Opens the session of an accepted offer inside the acceptance's transaction, so that the offer,
 * the request, the session and the price hold commit together or not at all. The session feature
 * owns the sessions table and implements this ({@code SessionRepository::open}); matching cannot
 * import it, since sessions send no-shown requests back to matching.
 */
@FunctionalInterface
public interface SessionOpening {
  /** A session about to be opened: {@code meetingPoint} is where an in-person session meets (empty online); {@code price} is held for it. */
  record NewSession(UUID id, RequestId request, OfferId offer, UserId client, UserId expert, Topic topic, Mode mode,
      Duration joinWindow, Optional<GeoPoint> meetingPoint, Price price) {}

  /** Inserts the session, {@code waiting}; its join deadline (the database's clock decides it). */
  Future<Instant> open(SqlClient sql, NewSession session);
}
