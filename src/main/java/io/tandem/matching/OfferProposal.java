package io.tandem.matching;

import io.tandem.kernel.Mode;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;

/** One offer a shard's batch wants to write; {@code topic} and {@code mode}: the request's, to price one made before prices were quoted. */
public record OfferProposal(RequestId request, UserId expert, double distanceKm, Topic topic, Mode mode) {}
