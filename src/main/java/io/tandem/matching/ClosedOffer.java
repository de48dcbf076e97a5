package io.tandem.matching;

import io.tandem.kernel.OfferId;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.UserId;
import io.tandem.reliability.Penalties;
import java.util.Optional;

/**
 * An offer that ended without a session: the request went back to the queue (or was closed).
 * A timed-out offer may carry the expert's penalty, and may have set them offline (too many
 * missed in a row); both are to be announced once the transaction committed. An offer missed
 * while the expert was away carries neither; {@code clientAway}: it ran out while its client was
 * not there, and was withdrawn instead (no penalty; the request waits for its client).
 */
public record ClosedOffer(OfferId offerId, RequestId requestId, UserId expertId, int shard,
    Optional<Penalties.Recorded> penalty, boolean expertWentOffline, boolean clientAway) {
  ClosedOffer(OfferId offerId, RequestId requestId, UserId expertId, int shard) {
    this(offerId, requestId, expertId, shard, Optional.empty(), false, false);
  }
}
