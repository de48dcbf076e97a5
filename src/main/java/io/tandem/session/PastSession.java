package io.tandem.session;

import io.tandem.kernel.Mode;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.SessionStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One of a person's sessions as their history lists it: {@code asClient}, whether they were its
 * client; {@code peer}, the other participant; the client's rating, if they gave one.
 * {@code startedAt} and {@code endedAt} are null until they happen.
 */
public record PastSession(SessionId id, UUID requestId, Topic topic, Mode mode, SessionStatus status, boolean asClient, UserId peerId,
    String peerName, Instant createdAt, Instant startedAt, Instant endedAt, Optional<Rating> rating) {

  /** The client's rating of the session: stars, and the comment if any. */
  public record Rating(int stars, String comment) {}
}
