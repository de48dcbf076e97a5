package io.tandem.matching;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A request in a shard's queue. Mutable, and touched only by the shard's own event loop.
 *
 * @param maxDistanceKm required for in-person requests; for online ones it only ranks
 * @param queuedAt its place in the queue: requests are served oldest first, and a client whose
 *     expert did not show keeps the original place
 */
public final class WaitingRequest {
  private final RequestId id;
  private final UserId clientId;
  private final Topic topic;
  private Mode mode;
  /** In person: the mode the client accepts instead when nobody is within range; null: none. */
  private Mode fallbackMode;
  /** Where the client is: required in person; online, given or not (it only ranks). */
  private final Optional<GeoPoint> location;
  private final Double maxDistanceKm;
  private final Instant queuedAt;
  private final Instant expiresAt;
  private final Set<UserId> excludedExperts = new HashSet<>();
  private UserId offeredTo;
  /** Its client was found not there when an offer was to be written: it is proposed to nobody until they are back. */
  private boolean clientAway;
  /** The expert the client asked for: offered to them alone until the client opens the request to everyone; null: anyone. */
  private UserId chosenExpert;

  public WaitingRequest(
      RequestId id, UserId clientId, Topic topic, Mode mode, Optional<GeoPoint> location, Double maxDistanceKm, Instant queuedAt,
      Instant expiresAt) {
    this(id, clientId, topic, mode, location, maxDistanceKm, queuedAt, expiresAt, null);
  }

  public WaitingRequest(RequestId id, UserId clientId, Topic topic, Mode mode, Optional<GeoPoint> location, Double maxDistanceKm,
      Instant queuedAt, Instant expiresAt, Mode fallbackMode) {
    this.fallbackMode = fallbackMode;
    this.id = id;
    this.clientId = clientId;
    this.topic = topic;
    this.mode = mode;
    this.location = location;
    this.maxDistanceKm = maxDistanceKm;
    this.queuedAt = queuedAt;
    this.expiresAt = expiresAt;
  }

  public RequestId id() {
    return id;
  }

  public UserId clientId() {
    return clientId;
  }

  public Topic topic() {
    return topic;
  }

  public Mode mode() {
    return mode;
  }

  public Optional<GeoPoint> location() {
    return location;
  }

  public Optional<Mode> fallbackMode() {
    return Optional.ofNullable(fallbackMode);
  }

  /** Nobody is within range: the request is served in its fallback mode from now on (PostgreSQL said so first). */
  void fallBack() {
    mode = fallbackMode;
    fallbackMode = null;
  }

  public Optional<Double> maxDistanceKm() {
    return Optional.ofNullable(maxDistanceKm);
  }

  public Instant queuedAt() {
    return queuedAt;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  public Duration waited(Instant now) {
    Duration waited = Duration.between(queuedAt, now);
    return waited.isNegative() ? Duration.ZERO : waited;
  }

  /** Experts who declined or missed this request are never offered it again. */
  public void exclude(UserId expert) {
    excludedExperts.add(expert);
  }

  public boolean excludesNobody() {
    return excludedExperts.isEmpty();
  }

  public boolean excludes(UserId expert) {
    return excludedExperts.contains(expert);
  }

  public Optional<UserId> offeredTo() {
    return Optional.ofNullable(offeredTo);
  }

  void offeredTo(UserId expert) {
    this.offeredTo = expert;
  }

  public boolean clientAway() {
    return clientAway;
  }

  void clientAway(boolean away) {
    this.clientAway = away;
  }

  /** The expert the client asked for, if any: the request is offered to them alone. */
  public Optional<UserId> chosenExpert() {
    return Optional.ofNullable(chosenExpert);
  }

  /** Offered to {@code expert} alone from now on; null opens it to everyone. */
  public void choose(UserId expert) {
    chosenExpert = expert;
  }
}
