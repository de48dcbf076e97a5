package io.tandem.matching;

import io.tandem.kernel.RequestId;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import java.util.Optional;

/** A request that left the queue without a match; {@code revoked} is the offer it had pending, if any. */
public record ClosedRequest(RequestId requestId, UserId clientId, Topic topic, int shard, Optional<ClosedOffer> revoked) {}
