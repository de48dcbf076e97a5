package io.tandem.matching;

import io.tandem.kernel.Mode;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.money.Price;
import java.time.Instant;
import java.util.UUID;

/** What an accepted offer became: a session; {@code price}: what was held, with what the expert earns of it. */
public record Acceptance(
    UUID sessionId, RequestId requestId, UserId clientId, UserId expertId, Topic topic, Mode mode, int shard,
    Instant queuedAt, Instant joinDeadline, String clientName, String expertName, Price price) {}
