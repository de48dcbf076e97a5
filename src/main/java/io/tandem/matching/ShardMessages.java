package io.tandem.matching;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The commands a shard owner receives on {@code tandem.matching.shard.<n>}, as JSON. They only
 * tell the owner sooner what PostgreSQL already says; a new owner reads the same from there.
 */
public final class ShardMessages {
  public static final String QUEUED = "queued";
  public static final String STORE = "store";
  public static final String POSITION = "position";
  public static final String OFFER_CLOSED = "offer-closed";
  public static final String REQUEST_CLOSED = "request-closed";
  public static final String CLIENT_BACK = "client-back";
  public static final String OPENED = "opened-to-all";

  public static final String ACCEPTED = "accepted";
  public static final String DECLINED = "declined";
  /** Taken back for a reason that is not the expert's (the client was not there): the request may go to them again. */
  public static final String REVOKED = "revoked";

  private ShardMessages() {}

  /** A request to queue; the reply carries {@code position} and {@code etaSeconds}. */
  public static JsonObject queued(RequestRecord r) {
    return queued(r, java.util.List.of());
  }

  /** A request back in the queue, never to be offered again to the experts it was offered to. */
  public static JsonObject queued(RequestRecord r, java.util.List<UserId> excluded) {
    return new JsonObject()
        .put("excluded", new io.vertx.core.json.JsonArray(excluded.stream().map(UserId::toString).toList()))
        .put("op", QUEUED)
        .put("requestId", r.id().toString())
        .put("clientId", r.clientId().toString())
        .put("topic", r.topic().value())
        .put("mode", r.mode().wireName())
        .put("lat", r.location().map(GeoPoint::lat).orElse(null))
        .put("lng", r.location().map(GeoPoint::lng).orElse(null))
        .put("maxDistanceKm", r.maxDistanceKm())
        .put("fallbackMode", r.fallbackMode() == null ? null : r.fallbackMode().wireName())
        .put("queuedAt", r.queuedAt().toEpochMilli())
        .put("expiresAt", r.expiresAt().toEpochMilli())
        .put("chosenExpertId", r.chosenExpert().map(UserId::toString).orElse(null));
  }

  /**
   * A new request for the owner to store in the transaction of its next batch of offers, so that
   * the request and its first offer take one commit ({@code store_requests_and_make_offers},
   * migration V23). {@code provisional}: the request as it will be stored, its times read on the
   * caller's clock (PostgreSQL's replace them). The reply is {@link #stored} or {@link #notStored};
   * a failure means nothing was stored by the owner.
   */
  static JsonObject store(RequestRecord provisional, String idempotencyKey, java.time.Duration maxWait) {
    return queued(provisional)
        .put("op", STORE)
        .put("brief", provisional.brief())
        .put("idempotencyKey", idempotencyKey)
        .put("maxWaitSeconds", maxWait.toMillis() / 1000.0)
        .put("price", provisional.price())
        .put("platformFee", provisional.platformFee());
  }

  /** The columns of {@code store_requests_and_make_offers}' rows, each with the key of {@link #store} it is read from. */
  private static final Map<String, String> STORED_COLUMNS = Map.ofEntries(Map.entry("id", "requestId"), Map.entry("client_id", "clientId"),
      Map.entry("topic", "topic"), Map.entry("mode", "mode"), Map.entry("lat", "lat"), Map.entry("lng", "lng"),
      Map.entry("max_distance_km", "maxDistanceKm"), Map.entry("brief", "brief"), Map.entry("idempotency_key", "idempotencyKey"),
      Map.entry("max_wait_secs", "maxWaitSeconds"), Map.entry("fallback_mode", "fallbackMode"), Map.entry("price", "price"),
      Map.entry("platform_fee", "platformFee"), Map.entry("chosen_expert_id", "chosenExpertId"));

  /** The row of {@link #store}'s request as {@code store_requests_and_make_offers} reads it: every column, null where it has no value. */
  static JsonObject rowToStore(JsonObject m) {
    JsonObject row = new JsonObject();
    STORED_COLUMNS.forEach((column, key) -> row.put(column, m.getValue(key)));
    return row;
  }

  /** The owner's answer to {@link #store} once committed: the request's stored times, and its standing (as {@link #standing} reads it) if known. */
  static JsonObject stored(StoredRequest stored, JsonObject standing) {
    return standing.copy().put("stored", true).put("queuedAt", stored.queuedAt().toString()).put("expiresAt", stored.expiresAt().toString());
  }

  /** The owner's answer to {@link #store} when the request broke a unique index (a used idempotency key, a live request already): not stored. */
  static JsonObject notStored() {
    return new JsonObject().put("stored", false);
  }

  /** The owner's answer to {@code store} names the stored request's times; empty when it was not stored. */
  static Optional<StoredRequest> storedIn(JsonObject reply, RequestId request) {
    return reply.getBoolean("stored", false)
        ? Optional.of(new StoredRequest(request, Instant.parse(reply.getString("queuedAt")), Instant.parse(reply.getString("expiresAt"))))
        : Optional.empty();
  }

  /** The owner's answer to {@link #queued} or {@link #position}: where the request stands. */
  static RequestView.Standing standing(JsonObject reply, RequestRecord request) {
    return new RequestView.Standing(
        reply.containsKey("status") ? RequestStatus.stored(reply.getString("status")) : request.status(),
        java.util.Optional.ofNullable(reply.getInteger("position")),
        reply.getLong("etaSeconds"),
        java.util.Optional.ofNullable(reply.getString("reason")));
  }

  static WaitingRequest waiting(JsonObject m) {
    WaitingRequest waiting = new WaitingRequest(
        requestId(m),
        new UserId(UUID.fromString(m.getString("clientId"))),
        new Topic(m.getString("topic")),
        Mode.fromWire(m.getString("mode")).orElseThrow(),
        GeoPoint.of(m.getDouble("lat"), m.getDouble("lng")),
        m.getDouble("maxDistanceKm"),
        Instant.ofEpochMilli(m.getLong("queuedAt")),
        Instant.ofEpochMilli(m.getLong("expiresAt")),
        m.getString("fallbackMode") == null ? null : Mode.fromWire(m.getString("fallbackMode")).orElseThrow());
    m.getJsonArray("excluded", new io.vertx.core.json.JsonArray()).forEach(id -> waiting.exclude(new UserId(UUID.fromString((String) id))));
    if (m.getString("chosenExpertId") != null) {
      waiting.choose(new UserId(UUID.fromString(m.getString("chosenExpertId"))));
    }
    return waiting;
  }

  /** Asks for a waiting request's {@code position} and {@code etaSeconds}. */
  public static JsonObject position(RequestId request) {
    return new JsonObject().put("op", POSITION).put("requestId", request.toString());
  }

  /** An offer ended elsewhere: accepted (the request is matched), declined or timed out, or revoked (back in the queue). */
  public static JsonObject offerClosed(RequestId request, UserId expert, String outcome) {
    return new JsonObject().put("op", OFFER_CLOSED).put("requestId", request.toString()).put("expertId", expert.toString()).put("outcome", outcome);
  }

  /** The request's client is there again (a connection opened): it may be offered again at once. */
  public static JsonObject clientBack(RequestId request) {
    return new JsonObject().put("op", CLIENT_BACK).put("requestId", request.toString());
  }

  /** The client opened the request to everyone: no longer offered to their chosen expert alone. */
  public static JsonObject openedToAll(RequestId request) {
    return new JsonObject().put("op", OPENED).put("requestId", request.toString());
  }

  /** A request left the queue elsewhere (cancelled or expired). */
  public static JsonObject requestClosed(RequestId request) {
    return new JsonObject().put("op", REQUEST_CLOSED).put("requestId", request.toString());
  }

  static RequestId requestId(JsonObject m) {
    return new RequestId(UUID.fromString(m.getString("requestId")));
  }

  static UserId expertId(JsonObject m) {
    return new UserId(UUID.fromString(m.getString("expertId")));
  }
}
