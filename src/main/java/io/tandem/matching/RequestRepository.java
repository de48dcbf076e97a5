package io.tandem.matching;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.OfferId;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.money.Price;
import io.tandem.money.Pricing;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Requests, from made to closed: with {@link OfferRepository}, the one store of the requests and
 * offers tables (a request and its offers change together: every transaction locks the request
 * before its offers, so that none waits on another in the opposite order). Every transition is a
 * conditional write ({@code UPDATE ... WHERE status IN ('queued', 'offered')}), so it happens at
 * most once however many nodes, timers and sweepers try it at the same time; callers act only on
 * the rows they got back.
 */
public final class RequestRepository {
  private final Pool pool;
  private final Pricing pricing;

  public RequestRepository(Pool pool, Pricing pricing) {
    this.pool = pool;
    this.pricing = pricing;
  }

  /** A request stored, or found stored under the client's idempotency key ({@code made} false: nothing new). */
  record Insertion(RequestRecord request, boolean made) {}

  // ---- requests

  /** The request no longer asks for one expert (whatever its status: a closed one is answered as it is); empty when it is not the client's. */
  Future<Optional<RequestRecord>> openToAll(UserId client, RequestId request) {
    return pool.preparedQuery("UPDATE requests r SET chosen_expert_id = NULL WHERE r.id = $1 AND r.client_id = $2 RETURNING "
            + MatchingQueries.REQUEST_COLUMNS)
        .execute(Tuple.of(request.value(), client.value()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(MatchingQueries.request(rows.iterator().next())));
  }

  /**
   * Stores a new request under {@code id} at {@code price}, where its shard owner did not
   * ({@link OfferRepository#write}); with an idempotency key the client already used, returns that
   * request instead, and the request if the owner stored it after all (its answer came too late). A
   * client with a request still queued or offered gets {@link LiveRequestExists}: the unique index
   * on live requests is the guard, however many nodes take the client's calls.
   */
  Future<Insertion> insertRequest(RequestId id, UserId client, NewRequest request, int shard, String idempotencyKey, Price price) {
    return pool.preparedQuery("INSERT INTO requests AS r (id, client_id, topic, shard, mode, lat, lng, max_distance_km, brief, status,"
            + " idempotency_key, expires_at, fallback_mode, price, platform_fee, chosen_expert_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
            + " 'queued', $10, now() + make_interval(secs => $11), $12, $13, $14, $15) ON CONFLICT DO NOTHING RETURNING "
            + MatchingQueries.REQUEST_COLUMNS)
        .execute(Tuple.tuple()
            .addUUID(id.value())
            .addUUID(client.value())
            .addString(request.topic().value())
            .addInteger(shard)
            .addString(request.mode().wireName())
            .addDouble(request.location().map(GeoPoint::lat).orElse(null))
            .addDouble(request.location().map(GeoPoint::lng).orElse(null))
            .addDouble(request.maxDistanceKm())
            .addString(request.brief())
            .addString(idempotencyKey)
            .addDouble((double) request.maxWait().toSeconds())
            .addString(request.fallbackMode() == null ? null : request.fallbackMode().wireName())
            .addLong(price.amount())
            .addLong(price.platformFee())
            .addUUID(request.expert().map(UserId::value).orElse(null)))
        .compose(rows -> rows.size() > 0
            ? Future.succeededFuture(new Insertion(MatchingQueries.request(rows.iterator().next()), true))
            : whyNotInserted(id, client, idempotencyKey));
  }

  /** A unique index said no to request {@code id}: which one, in the order a client's retry meets them. */
  private Future<Insertion> whyNotInserted(RequestId id, UserId client, String idempotencyKey) {
    return MatchingQueries.findRequest(pool, id).compose(ours -> {
      if (ours.isPresent()) {
        return Future.succeededFuture(new Insertion(ours.get(), true));
      }
      return MatchingQueries.findByIdempotencyKey(pool, client, idempotencyKey).compose(earlier -> earlier.isPresent()
          ? Future.succeededFuture(new Insertion(earlier.get(), false))
          : MatchingQueries.liveRequestOf(pool, client).compose(live -> Future.failedFuture(live.<Throwable>map(LiveRequestExists::new)
              .orElseGet(() -> new IllegalStateException("request " + id + " of client " + client + " was refused by a unique index that no longer refuses it")))));
    });
  }

  // ---- is the client there?

  /** The client polled (or made) their live request: a sign of life without a WebSocket. */
  public Future<Void> clientSeen(UserId client) {
    return pool.preparedQuery("UPDATE requests SET client_seen_at = now() WHERE client_id = $1 AND status IN ('queued', 'offered')")
        .execute(Tuple.of(client.value())).mapEmpty();
  }

  /**
   * These clients' last connection closed (or their node died): their live request is offered to
   * nobody until they are back, and is cancelled if they are not within {@code matching.clientGoneSeconds}.
   */
  public Future<Void> clientsAway(List<UserId> clients) {
    return pool.preparedQuery("UPDATE requests SET client_away_since = now() WHERE client_id = ANY($1) AND status IN ('queued', 'offered')")
        .execute(Tuple.of(clients.stream().map(UserId::value).toArray(UUID[]::new))).mapEmpty();
  }

  /**
   * After the expert did not show or left: the same request goes back to the queue at its original
   * place (its {@code queued_at} is kept, so it is served first), with a fresh wait of
   * {@code maxWait}; unless the client has asked again meanwhile (one live request each), when the
   * request stays as it was. Empty when nothing went back.
   */
  public static Future<Optional<Requeue.Requeued>> requeueFirst(SqlClient sql, RequestId id, Duration maxWait) {
    return sql.preparedQuery("UPDATE requests r SET status = 'queued', session_id = NULL, matched_at = NULL, client_seen_at = now(),"
            + " expires_at = now() + make_interval(secs => $2) WHERE r.id = $1 AND r.status = 'matched'"
            + " AND NOT EXISTS (SELECT 1 FROM requests o WHERE o.client_id = r.client_id AND o.status IN ('queued', 'offered'))"
            + " RETURNING r.id")
        .execute(Tuple.of(id.value(), maxWait.toMillis() / 1000.0))
        .compose(requeued -> requeued.size() == 0 ? Future.succeededFuture(Optional.<RequestRecord>empty()) : MatchingQueries.findRequest(sql, id))
        .compose(found -> found.isEmpty()
            ? Future.succeededFuture(Optional.<Requeue.Requeued>empty())
            : MatchingQueries.offeredTo(sql, id).map(excluded -> Optional.of(new Requeue.Requeued(found.get(), excluded))));
  }

  /**
   * Nobody is within range of an in-person request: it is served in the fallback mode the client
   * chose, from now on, and costs the fallback's price if that is less (never more than quoted).
   * The price it has now when this switched it (it was still queued in person); empty otherwise.
   */
  public Future<Optional<Price>> fallBack(RequestId request, Topic topic, Mode fallback) {
    Price instead = pricing.of(topic, fallback);
    return pool.preparedQuery("UPDATE requests SET mode = $2, fallback_mode = NULL,"
            + " platform_fee = CASE WHEN price IS NULL OR $3 < price THEN $4 ELSE platform_fee END,"
            + " price = CASE WHEN price IS NULL OR $3 < price THEN $3 ELSE price END"
            + " WHERE id = $1 AND status = 'queued' AND mode = 'in_person' AND fallback_mode = $2 RETURNING price, platform_fee")
        .execute(Tuple.of(request.value(), fallback.wireName(), instead.amount(), instead.platformFee()))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(new Price(rows.iterator().next().getLong("price"), rows.iterator().next().getLong("platform_fee"), pricing.currency())));
  }

  // ---- closing requests

  /** Cancels a waiting request, for {@code why}; {@code client}, when given, must be its client (else: not found). */
  public Future<Cancellation> cancel(RequestId request, UserId client, CancelReason why) {
    return pool.withTransaction(conn -> cancel(conn, request, client, why));
  }

  /** {@link #cancel(RequestId, UserId, CancelReason)} inside the caller's transaction (an operator's, with its audit). */
  public Future<Cancellation> cancel(SqlConnection conn, RequestId request, UserId client, CancelReason why) {
    return closeRequests(conn, RequestStatus.CANCELLED, why, "r.id = $1 AND ($2::uuid IS NULL OR r.client_id = $2)",
        Tuple.of(request.value(), client == null ? null : client.value()))
        .compose(closed -> {
          if (!closed.isEmpty()) {
            return Future.succeededFuture((Cancellation) new Cancellation.Cancelled(closed.get(0)));
          }
          return conn.preparedQuery("SELECT status FROM requests WHERE id = $1 AND ($2::uuid IS NULL OR client_id = $2)")
              .execute(Tuple.of(request.value(), client == null ? null : client.value()))
              .map(rows -> rows.size() == 0
                  ? new Cancellation.NotFound()
                  : new Cancellation.AlreadyClosed(RequestStatus.stored(rows.iterator().next().getString("status"))));
        });
  }

  /** The request's deadline passed (the owner's timer). */
  public Future<Optional<ClosedRequest>> expire(RequestId request) {
    return closeRequests(RequestStatus.EXPIRED, null, "r.id = $1 AND r.expires_at <= now()", Tuple.of(request.value()))
        .map(closed -> closed.stream().findFirst());
  }

  /** Sweeper: waiting requests whose deadline passed more than {@code grace} ago. */
  public Future<List<ClosedRequest>> expireOverdue(Duration grace, int limit) {
    return closeRequests(RequestStatus.EXPIRED, null, "r.id IN (SELECT id FROM requests WHERE status IN ('queued', 'offered')"
        + " AND expires_at <= now() - make_interval(secs => $1) ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)",
        Tuple.of(grace.toMillis() / 1000.0, limit));
  }

  /**
   * Sweeper: waiting requests whose client has been gone for {@code gone} (no connection anywhere,
   * and neither a poll nor the loss of their last connection within it) are cancelled as
   * {@code client_left}, a pending offer withdrawn with them: nobody is matched, or charged, for a
   * request they are not there to see.
   */
  public Future<List<ClosedRequest>> cancelForGoneClients(Duration gone, int limit) {
    return closeRequests(RequestStatus.CANCELLED, CancelReason.CLIENT_LEFT, "r.id IN (SELECT q.id FROM requests q"
        + " WHERE q.status IN ('queued', 'offered') AND greatest(q.client_seen_at, q.client_away_since) <= now() - make_interval(secs => $1)"
        + " AND NOT EXISTS (SELECT 1 FROM connections c WHERE c.user_id = q.client_id)"
        + " ORDER BY q.client_seen_at LIMIT $2 FOR UPDATE SKIP LOCKED)",
        Tuple.of(gone.toMillis() / 1000.0, limit));
  }

  private Future<List<ClosedRequest>> closeRequests(RequestStatus status, CancelReason why, String which, Tuple args) {
    return pool.withTransaction(conn -> closeRequests(conn, status, why, which, args));
  }

  /** Closes the waiting requests {@code which} selects as {@code status} (for {@code why}: cancelled ones), withdrawing their pending offers. */
  private static Future<List<ClosedRequest>> closeRequests(SqlConnection conn, RequestStatus status, CancelReason why, String which, Tuple args) {
    return conn.preparedQuery("UPDATE requests r SET status = '" + status.wireName() + "', cancel_reason = "
            + (why == null ? "NULL" : "'" + why.wireName() + "'")
            + " WHERE r.status IN ('queued', 'offered') AND " + which + " RETURNING r.id, r.client_id, r.topic, r.shard")
        .execute(args)
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(List.<ClosedRequest>of());
          }
          List<Row> closed = new ArrayList<>();
          rows.forEach(closed::add);
          UUID[] ids = closed.stream().map(row -> row.getUUID("id")).toArray(UUID[]::new);
          return conn.preparedQuery("UPDATE offers o SET state = 'revoked', resolved_at = now() WHERE o.request_id = ANY($1)"
                  + " AND o.state = 'pending' RETURNING o.id, o.request_id, o.expert_id, o.shard")
              .execute(Tuple.of(ids))
              .map(revokedRows -> {
                Map<RequestId, ClosedOffer> revoked = new HashMap<>();
                closedOffers(revokedRows).forEach(o -> revoked.put(o.requestId(), o));
                return closed.stream().map(row -> {
                  RequestId id = new RequestId(row.getUUID("id"));
                  return new ClosedRequest(id, new UserId(row.getUUID("client_id")), new Topic(row.getString("topic")), row.getInteger("shard"),
                      Optional.ofNullable(revoked.get(id)));
                }).toList();
              });
        });
  }

  /** Offers as they are closed; the same rows {@link OfferRepository} reads. */
  static List<ClosedOffer> closedOffers(RowSet<Row> rows) {
    List<ClosedOffer> closed = new ArrayList<>();
    rows.forEach(row -> closed.add(new ClosedOffer(new OfferId(row.getUUID("id")), new RequestId(row.getUUID("request_id")),
        new UserId(row.getUUID("expert_id")), row.getInteger("shard"))));
    return closed;
  }
}
