package io.tandem.matching;

import io.tandem.kernel.RequestId;
import java.time.Instant;

/** A request stored by its shard owner with a batch of offers: its times as PostgreSQL set them. */
record StoredRequest(RequestId id, Instant queuedAt, Instant expiresAt) {}
