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
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What matching reads of requests and offers: it writes nothing ({@link RequestRepository} and {@link OfferRepository} alone
 * writes those tables), so any number of callers may ask at any time.
 */
public final class MatchingQueries {
  static final String REQUEST_COLUMNS =
      "r.id, r.client_id, r.topic, r.shard, r.mode, r.lat, r.lng, r.max_distance_km, r.brief, r.status,"
          + " r.queued_at, r.created_at, r.expires_at, r.session_id, r.fallback_mode, r.price, r.platform_fee, r.cancel_reason, r.chosen_expert_id";

  private final Pool pool;
  private final Pricing pricing;

  /** {@code pricing}: the price of a request made before prices were quoted (stored without one). */
  public MatchingQueries(Pool pool, Pricing pricing) {
    this.pool = pool;
    this.pricing = pricing;
  }

  /** The client's request still queued or offered, if any (there is at most one). */
  public Future<Optional<RequestId>> liveRequestOf(UserId client) {
    return liveRequestOf(pool, client);
  }

  static Future<Optional<RequestId>> liveRequestOf(SqlClient sql, UserId client) {
    return sql.preparedQuery("SELECT id FROM requests WHERE client_id = $1 AND status IN ('queued', 'offered')")
        .execute(Tuple.of(client.value()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(new RequestId(rows.iterator().next().getUUID("id"))));
  }

  /** The client's requests, live ones first, then the newest; at most {@code limit}. */
  public Future<List<RequestRecord>> requestsOf(UserId client, int limit) {
    return pool.preparedQuery("SELECT " + REQUEST_COLUMNS + " FROM requests r WHERE r.client_id = $1"
            + " ORDER BY r.status IN ('queued', 'offered') DESC, r.created_at DESC LIMIT $2")
        .execute(Tuple.of(client.value(), limit))
        .map(rows -> {
          List<RequestRecord> requests = new ArrayList<>();
          rows.forEach(row -> requests.add(request(row)));
          return requests;
        });
  }

  public Future<Optional<RequestRecord>> findRequest(RequestId id) {
    return findRequest(pool, id);
  }

  static Future<Optional<RequestRecord>> findRequest(SqlClient sql, RequestId id) {
    return sql.preparedQuery("SELECT " + REQUEST_COLUMNS + " FROM requests r WHERE r.id = $1")
        .execute(Tuple.of(id.value()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(request(rows.iterator().next())));
  }

  /** The request this client already made with this idempotency key, if any (none without a key). */
  public Future<Optional<RequestRecord>> findByIdempotencyKey(UserId client, String key) {
    if (key == null) {
      return Future.succeededFuture(Optional.empty());
    }
    return findByIdempotencyKey(pool, client, key);
  }

  static Future<Optional<RequestRecord>> findByIdempotencyKey(SqlClient sql, UserId client, String key) {
    return sql.preparedQuery("SELECT " + REQUEST_COLUMNS + " FROM requests r WHERE r.client_id = $1 AND r.idempotency_key = $2")
        .execute(Tuple.of(client.value(), key))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(request(rows.iterator().next())));
  }

  /** An expert's offers over a window, by what became of them. */
  public record OfferCounts(long shown, long accepted, long declined, long missed, long missedWhileAway, long revoked) {}

  public Future<OfferCounts> offerCounts(UserId expert, Duration window) {
    return pool.preparedQuery("SELECT count(*) AS shown,"
            + " count(*) FILTER (WHERE state = 'accepted') AS accepted,"
            + " count(*) FILTER (WHERE state = 'declined') AS declined,"
            + " count(*) FILTER (WHERE state = 'timed_out' AND NOT expert_away) AS missed,"
            + " count(*) FILTER (WHERE state = 'timed_out' AND expert_away) AS away,"
            + " count(*) FILTER (WHERE state = 'revoked') AS revoked"
            + " FROM offers WHERE expert_id = $1 AND created_at > now() - make_interval(secs => $2)")
        .execute(Tuple.of(expert.value(), (double) window.toSeconds()))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new OfferCounts(row.getLong("shown"), row.getLong("accepted"), row.getLong("declined"), row.getLong("missed"),
              row.getLong("away"), row.getLong("revoked"));
        });
  }

  /** The request's 1-based place among the waiting requests of its topic, counted in the database. */
  public Future<Integer> position(RequestRecord request) {
    return pool.preparedQuery("SELECT count(*) AS ahead FROM requests WHERE topic = $1 AND status IN ('queued', 'offered')"
            + " AND (queued_at, id) < ($2, $3)")
        .execute(Tuple.of(request.topic().value(), request.queuedAt().atOffset(ZoneOffset.UTC), request.id().value()))
        .map(rows -> rows.iterator().next().getLong("ahead").intValue() + 1);
  }

  /** Everything a shard needs to resume: its waiting requests, whom they exclude, and their pending offers. */
  public record ShardState(List<RequestRecord> requests, Map<RequestId, List<UserId>> excluded, List<PendingOffer> pendingOffers) {}

  public record PendingOffer(OfferId id, RequestId requestId, UserId expertId, Instant expiresAt) {}

  public Future<ShardState> shardState(int shard) {
    return pool.preparedQuery("SELECT " + REQUEST_COLUMNS + " FROM requests r WHERE r.shard = $1 AND r.status IN ('queued', 'offered')")
        .execute(Tuple.of(shard))
        .compose(requestRows -> {
          List<RequestRecord> requests = new ArrayList<>();
          requestRows.forEach(row -> requests.add(request(row)));
          UUID[] ids = requests.stream().map(r -> r.id().value()).toArray(UUID[]::new);
          // Every expert a request was offered to before is excluded: the ones who declined or missed
          // it, and the one who accepted and never showed (the request is back after a no-show).
          return pool.preparedQuery("SELECT id, request_id, expert_id, state, expires_at FROM offers WHERE request_id = ANY($1)"
                  + " AND state IN ('pending', 'declined', 'timed_out', 'accepted')")
              .execute(Tuple.of(ids))
              .map(offerRows -> {
                Map<RequestId, List<UserId>> excluded = new HashMap<>();
                List<PendingOffer> pending = new ArrayList<>();
                for (Row row : offerRows) {
                  RequestId request = new RequestId(row.getUUID("request_id"));
                  UserId expert = new UserId(row.getUUID("expert_id"));
                  if (OfferState.fromStored(row.getString("state")) == OfferState.PENDING) {
                    pending.add(new PendingOffer(new OfferId(row.getUUID("id")), request, expert, row.getOffsetDateTime("expires_at").toInstant()));
                  } else {
                    excluded.computeIfAbsent(request, r -> new ArrayList<>()).add(expert);
                  }
                }
                return new ShardState(requests, excluded, pending);
              });
        });
  }

  /** Every expert a request was offered to, whatever became of the offer. */
  static Future<List<UserId>> offeredTo(SqlClient sql, RequestId request) {
    return sql.preparedQuery("SELECT DISTINCT expert_id FROM offers WHERE request_id = $1").execute(Tuple.of(request.value()))
        .map(rows -> {
          List<UserId> experts = new ArrayList<>();
          rows.forEach(row -> experts.add(new UserId(row.getUUID("expert_id"))));
          return experts;
        });
  }

  /** A pending offer as its expert is shown it. */
  public record PendingOfferView(OfferId offerId, RequestId requestId, Topic topic, Mode mode, double distanceKm, String brief,
      String clientName, Instant expiresAt, Price price) {}

  /** The expert's offers still pending and in time: what a connection of theirs that came after them is told again. */
  public Future<List<PendingOfferView>> pendingOffersOf(UserId expert) {
    return pool.preparedQuery("SELECT o.id, o.request_id, o.distance_km, o.expires_at, r.topic, r.mode, r.brief, r.price, r.platform_fee,"
            + " a.display_name FROM offers o JOIN requests r ON r.id = o.request_id JOIN accounts a ON a.id = r.client_id"
            + " WHERE o.expert_id = $1 AND o.state = 'pending' AND o.expires_at > now() ORDER BY o.expires_at")
        .execute(Tuple.of(expert.value()))
        .map(rows -> {
          List<PendingOfferView> offers = new ArrayList<>();
          for (Row row : rows) {
            Topic topic = new Topic(row.getString("topic"));
            Mode mode = Mode.fromWire(row.getString("mode")).orElseThrow();
            Double distance = row.getDouble("distance_km");
            offers.add(new PendingOfferView(new OfferId(row.getUUID("id")), new RequestId(row.getUUID("request_id")), topic, mode,
                distance == null ? Double.POSITIVE_INFINITY : distance, row.getString("brief"), row.getString("display_name"),
                row.getOffsetDateTime("expires_at").toInstant(), priceOf(row, topic, mode)));
          }
          return offers;
        });
  }

  /** Sessions waiting or active plus pending offers: what counts against the expert's capacity. */
  public Future<Integer> loadOf(UserId expert) {
    return pool.preparedQuery("SELECT expert_load($1) AS load").execute(Tuple.of(expert.value()))
        .map(rows -> rows.iterator().next().getInteger("load"));
  }

  /** The request's stored price ({@code price}, {@code platform_fee}), or today's for one made before prices were quoted. */
  Price priceOf(Row row, Topic topic, Mode mode) {
    return row.getLong("price") == null ? pricing.of(topic, mode)
        : new Price(row.getLong("price"), row.getLong("platform_fee"), pricing.currency());
  }

  static RequestRecord request(Row row) {
    return new RequestRecord(
        new RequestId(row.getUUID("id")),
        new UserId(row.getUUID("client_id")),
        new Topic(row.getString("topic")),
        row.getInteger("shard"),
        Mode.fromWire(row.getString("mode")).orElseThrow(),
        GeoPoint.of(row.getDouble("lat"), row.getDouble("lng")),
        row.getDouble("max_distance_km"),
        row.getString("brief"),
        RequestStatus.stored(row.getString("status")),
        row.getOffsetDateTime("queued_at").toInstant(),
        row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("expires_at").toInstant(),
        row.getUUID("session_id"),
        row.getString("fallback_mode") == null ? null : Mode.fromWire(row.getString("fallback_mode")).orElseThrow(),
        row.getLong("price"),
        row.getLong("platform_fee"),
        CancelReason.stored(row.getString("cancel_reason")).orElse(null),
        Optional.ofNullable(row.getUUID("chosen_expert_id")).map(UserId::new));
  }
}
