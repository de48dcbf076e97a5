package io.tandem.matching;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A request as stored; {@code fallbackMode} may be null, so may {@code price} and {@code platformFee}
 * (a request made before prices were quoted) and {@code cancelReason} (not cancelled, or before reasons were kept);
 * {@code chosenExpert}: the expert the client asked for, until they opened the request to everyone.
 */
public record RequestRecord(
    RequestId id,
    UserId clientId,
    Topic topic,
    int shard,
    Mode mode,
    Optional<GeoPoint> location,
    Double maxDistanceKm,
    String brief,
    RequestStatus status,
    Instant queuedAt,
    Instant createdAt,
    Instant expiresAt,
    UUID sessionId,
    Mode fallbackMode,
    Long price,
    Long platformFee,
    CancelReason cancelReason,
    Optional<UserId> chosenExpert) {

  public boolean waiting() {
    return status.waiting();
  }

  /** This request, not yet stored, as its shard owner stored it: PostgreSQL's times. */
  RequestRecord storedAt(StoredRequest stored) {
    return new RequestRecord(id, clientId, topic, shard, mode, location, maxDistanceKm, brief, status, stored.queuedAt(), stored.queuedAt(),
        stored.expiresAt(), sessionId, fallbackMode, price, platformFee, cancelReason, chosenExpert);
  }

  public WaitingRequest toWaiting() {
    WaitingRequest waiting = new WaitingRequest(id, clientId, topic, mode, location, maxDistanceKm, queuedAt, expiresAt, fallbackMode);
    chosenExpert.ifPresent(waiting::choose);
    return waiting;
  }
}
