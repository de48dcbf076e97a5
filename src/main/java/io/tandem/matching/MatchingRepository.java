package io.tandem.matching;

import io.tandem.config.TandemConfig.PenaltyConfig;
import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.OfferId;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.money.Ledger;
import io.tandem.money.Price;
import io.tandem.money.Pricing;
import io.tandem.presence.ExpertPresence;
import io.tandem.reliability.Penalties;
import io.tandem.reliability.PenaltyKind;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests, offers and the sessions they turn into. Every transition is a conditional write
 * ({@code UPDATE ... WHERE state = 'pending'}), so it happens at most once however many nodes,
 * timers and sweepers try it at the same time; callers act only on the rows they got back.
 */
public final class MatchingRepository {
  private static final Logger log = LoggerFactory.getLogger(MatchingRepository.class);
  private static final String REQUEST_COLUMNS =
      "r.id, r.client_id, r.topic, r.shard, r.mode, r.lat, r.lng, r.max_distance_km, r.brief, r.status,"
          + " r.queued_at, r.created_at, r.expires_at, r.session_id, r.fallback_mode, r.price, r.platform_fee, r.cancel_reason";

  private final Pool pool;
  private final Pricing pricing;
  private final Penalties penalties;
  private final PenaltyConfig penaltyConfig;
  private final SessionOpening sessions;
  private final ExpertPresence presence;
  private final MatchingMetrics metrics;

  /**
   * {@code presence}: the offer bookkeeping in experts' presence rows (presence owns them); {@code metrics}:
   * counted here, once each change has committed.
   */
  public MatchingRepository(Pool pool, Pricing pricing, Penalties penalties, PenaltyConfig penaltyConfig, SessionOpening sessions,
      ExpertPresence presence, MatchingMetrics metrics) {
    this.metrics = metrics;
    this.pool = pool;
    this.presence = presence;
    this.sessions = sessions;
    this.pricing = pricing;
    this.penalties = penalties;
    this.penaltyConfig = penaltyConfig;
  }

  // ---- requests

  /** Thrown by {@link #insertRequest} when the client already has a live request: that one's id. */
  public static final class LiveRequestExists extends RuntimeException {
    private final RequestId live;

    LiveRequestExists(RequestId live) {
      super("the client already has a live request", null, false, false);
      this.live = live;
    }

    public RequestId live() {
      return live;
    }
  }

  /**
   * Stores a new request at {@code price}; with an idempotency key the client already used, returns
   * that request instead. A client with a request still queued or offered gets {@link LiveRequestExists}:
   * the unique index on live requests is the guard, however many nodes take the client's calls.
   */
  public Future<RequestRecord> insertRequest(UserId client, NewRequest request, int shard, String idempotencyKey, Price price) {
    return pool.preparedQuery("INSERT INTO requests AS r (id, client_id, topic, shard, mode, lat, lng, max_distance_km, brief, status,"
            + " idempotency_key, expires_at, fallback_mode, price, platform_fee) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', $10,"
            + " now() + make_interval(secs => $11), $12, $13, $14) ON CONFLICT (client_id, idempotency_key) WHERE idempotency_key IS NOT NULL"
            + " DO NOTHING RETURNING " + REQUEST_COLUMNS)
        .execute(Tuple.tuple()
            .addUUID(UUID.randomUUID())
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
            .addLong(price.platformFee()))
        .recover(failure -> failure instanceof PgException pg && "requests_one_live_per_client".equals(pg.getConstraint())
            ? liveRequestOf(client).compose(live -> Future.failedFuture(live.<Throwable>map(LiveRequestExists::new).orElse(failure)))
            : Future.failedFuture(failure))
        .compose(rows -> {
          if (rows.size() > 0) {
            metrics.requestCreated(request.topic());
            return Future.succeededFuture(request(rows.iterator().next()));
          }
          return pool.preparedQuery("SELECT " + REQUEST_COLUMNS + " FROM requests r WHERE r.client_id = $1 AND r.idempotency_key = $2")
              .execute(Tuple.of(client.value(), idempotencyKey))
              .map(existing -> request(existing.iterator().next()));
        });
  }

  /** The client's request still queued or offered, if any (there is at most one). */
  public Future<Optional<RequestId>> liveRequestOf(UserId client) {
    return pool.preparedQuery("SELECT id FROM requests WHERE client_id = $1 AND status IN ('queued', 'offered')")
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

  public Future<Optional<RequestRecord>> findRequest(RequestId id) {
    return findRequest(pool, id);
  }

  /** The request this client already made with this idempotency key, if any (none without a key). */
  public Future<Optional<RequestRecord>> findByIdempotencyKey(UserId client, String key) {
    if (key == null) {
      return Future.succeededFuture(Optional.empty());
    }
    return pool.preparedQuery("SELECT " + REQUEST_COLUMNS + " FROM requests r WHERE r.client_id = $1 AND r.idempotency_key = $2")
        .execute(Tuple.of(client.value(), key))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(request(rows.iterator().next())));
  }


  private static Future<Optional<RequestRecord>> findRequest(SqlClient sql, RequestId id) {
    return sql.preparedQuery("SELECT " + REQUEST_COLUMNS + " FROM requests r WHERE r.id = $1")
        .execute(Tuple.of(id.value()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(request(rows.iterator().next())));
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
        .compose(requeued -> requeued.size() == 0 ? Future.succeededFuture(Optional.<RequestRecord>empty()) : findRequest(sql, id))
        .compose(found -> found.isEmpty()
            ? Future.succeededFuture(Optional.<Requeue.Requeued>empty())
            : sql.preparedQuery("SELECT DISTINCT expert_id FROM offers WHERE request_id = $1").execute(Tuple.of(id.value()))
                .map(rows -> {
                  List<UserId> excluded = new ArrayList<>();
                  rows.forEach(row -> excluded.add(new UserId(row.getUUID("expert_id"))));
                  return Optional.of(new Requeue.Requeued(found.get(), excluded));
                }));
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
        .execute(Tuple.of(request.topic().value(), request.queuedAt().atOffset(java.time.ZoneOffset.UTC), request.id().value()))
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

  // ---- offers

  /** What came of trying to write an offer. */
  public sealed interface OfferAttempt {
    /** Written: the offer and what the expert is shown, the price among it. */
    record Made(OfferId offerId, Instant expiresAt, String clientDisplayName, String brief, Price price) implements OfferAttempt {}

    /** The request is no longer queued (cancelled, expired, or offered by someone else). */
    record RequestGone() implements OfferAttempt {}

    /** The request's client is not there (no connection, no recent poll): it waits for them. */
    record ClientAway() implements OfferAttempt {}

    /** The expert is offline, disconnected or at capacity. */
    record ExpertUnavailable() implements OfferAttempt {}

    /** This node no longer holds the shard's lease with this epoch: it must stop offering. */
    record Fenced() implements OfferAttempt {}
  }

  /** One offer a shard's batch wants to write; {@code topic} and {@code mode}: the request's, to price one made before prices were quoted. */
  public record OfferProposal(RequestId request, UserId expert, double distanceKm, Topic topic, Mode mode) {}

  /**
   * Writes a shard's batch of offers in one round trip ({@code make_offers}, migration V8), each
   * guarded as ever: the shard lease must still be ours with our epoch (fencing), the expert's
   * presence row is locked and their load counted against capacity, and the request must still be
   * queued. One attempt per proposal, in order. The experts offered then count as busy from now for
   * the fairness ranking (presence's column, written after the commit: a lost write costs an
   * expert a little fairness, never a guarantee).
   */
  public Future<List<OfferAttempt>> makeOffers(int shard, long epoch, String nodeId, List<OfferProposal> proposals, Duration timeout,
      Duration clientPresent) {
    int n = proposals.size();
    UUID[] requests = new UUID[n];
    UUID[] experts = new UUID[n];
    Double[] distances = new Double[n];
    UUID[] offers = new UUID[n];
    for (int i = 0; i < n; i++) {
      OfferProposal p = proposals.get(i);
      requests[i] = p.request().value();
      experts[i] = p.expert().value();
      // Unknown (infinite) is stored as such: null.
      distances[i] = Double.isFinite(p.distanceKm()) ? p.distanceKm() : null;
      offers[i] = UUID.randomUUID();
    }
    return pool.preparedQuery("SELECT o_idx, o_outcome, o_expires_at, o_client_name, o_brief, o_price, o_fee"
            + " FROM make_offers($1, $2, $3, $4, $5, $6, $7, $8, $9) ORDER BY o_idx")
        .execute(Tuple.tuple().addInteger(shard).addString(nodeId).addLong(epoch).addArrayOfUUID(requests).addArrayOfUUID(experts)
            .addArrayOfDouble(distances).addArrayOfUUID(offers).addDouble(timeout.toMillis() / 1000.0).addDouble(clientPresent.toMillis() / 1000.0))
        .map(rows -> {
          List<OfferAttempt> attempts = new ArrayList<>(n);
          List<UserId> offered = new ArrayList<>();
          for (Row row : rows) {
            int i = row.getInteger("o_idx") - 1;
            attempts.add(switch (row.getString("o_outcome")) {
              case "made" -> {
                offered.add(proposals.get(i).expert());
                yield new OfferAttempt.Made(new OfferId(offers[i]), row.getOffsetDateTime("o_expires_at").toInstant(),
                    row.getString("o_client_name"), row.getString("o_brief"), row.getLong("o_price") == null
                        ? pricing.of(proposals.get(i).topic(), proposals.get(i).mode())
                        : new Price(row.getLong("o_price"), row.getLong("o_fee"), pricing.currency()));
              }
              case "request_gone" -> new OfferAttempt.RequestGone();
              case "client_away" -> new OfferAttempt.ClientAway();
              case "expert_unavailable" -> new OfferAttempt.ExpertUnavailable();
              case "fenced" -> new OfferAttempt.Fenced();
              default -> throw new IllegalStateException("make_offers answered " + row.getString("o_outcome"));
            });
          }
          if (!offered.isEmpty()) {
            metrics.offersMade(offered.size());
            presence.offered(pool, offered)
                .onFailure(e -> log.debug("idle times of {} experts offered not recorded: {}", offered.size(), e.getMessage()));
          }
          return attempts;
        });
  }

  /**
   * An offer that ended without a session: the request went back to the queue (or was closed).
   * A timed-out offer may carry the expert's penalty, and may have set them offline (too many
   * missed in a row); both are to be announced once the transaction committed. An offer missed
   * while the expert was away carries neither; {@code clientAway}: it ran out while its client was
   * not there, and was withdrawn instead (no penalty; the request waits for its client).
   */
  public record ClosedOffer(OfferId offerId, RequestId requestId, UserId expertId, int shard,
      Optional<Penalties.Recorded> penalty, boolean expertWentOffline, boolean clientAway) {
    ClosedOffer(OfferId offerId, RequestId requestId, UserId expertId, int shard) {
      this(offerId, requestId, expertId, shard, Optional.empty(), false, false);
    }
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
            Price price = row.getLong("price") == null ? pricing.of(topic, mode)
                : new Price(row.getLong("price"), row.getLong("platform_fee"), pricing.currency());
            offers.add(new PendingOfferView(new OfferId(row.getUUID("id")), new RequestId(row.getUUID("request_id")), topic, mode,
                distance == null ? Double.POSITIVE_INFINITY : distance, row.getString("brief"), row.getString("display_name"),
                row.getOffsetDateTime("expires_at").toInstant(), price));
          }
          return offers;
        });
  }

  /** {@code offer.decline} by the offer's expert, while it is pending. */
  public Future<Optional<ClosedOffer>> decline(OfferId offer, UserId expert) {
    return closeOffer(OfferState.DECLINED, LOCK_REQUEST_OF_OFFER, Tuple.of(offer.value()), "o.id = $2 AND o.expert_id = $3",
        Tuple.of(offer.value(), expert.value()), this::answered)
        .map(closed -> closed.stream().findFirst());
  }

  /**
   * The expert went offline (or their connection closed for good) with the offer on screen: it is
   * taken back, without a penalty, and the request goes back to the queue.
   */
  public Future<Optional<ClosedOffer>> revoke(OfferId offer) {
    return closeOffer(OfferState.REVOKED, LOCK_REQUEST_OF_OFFER, Tuple.of(offer.value()), "o.id = $2", Tuple.of(offer.value()),
        (conn, closed) -> Future.succeededFuture(closed))
        .map(closed -> closed.stream().findFirst());
  }

  /**
   * The offer's deadline passed (the owner's timer). {@code clientPresent}: matching.clientPresentSeconds,
   * for telling whether the client was there ({@link #missed}).
   */
  public Future<Optional<ClosedOffer>> timeOut(OfferId offer, Duration clientPresent) {
    return closeOffer(OfferState.TIMED_OUT, LOCK_REQUEST_OF_OFFER, Tuple.of(offer.value()), "o.id = $2 AND o.expires_at <= now()",
        Tuple.of(offer.value(), clientPresent.toMillis() / 1000.0), this::missed)
        .map(closed -> closed.stream().findFirst());
  }

  /** Sweeper: every pending offer whose deadline passed more than {@code grace} ago (a dead node's timers). */
  public Future<List<ClosedOffer>> timeOutOverdue(Duration grace, int limit, Duration clientPresent) {
    double graceSeconds = grace.toMillis() / 1000.0;
    return closeOffer(OfferState.TIMED_OUT, "SELECT r.id FROM requests r WHERE r.id IN (SELECT o.request_id FROM offers o WHERE o.state = 'pending'"
            + " AND o.expires_at <= now() - make_interval(secs => $1) ORDER BY o.expires_at LIMIT $2) ORDER BY r.id FOR UPDATE OF r SKIP LOCKED",
        Tuple.of(graceSeconds, limit), "o.expires_at <= now() - make_interval(secs => $2)", Tuple.of(graceSeconds, clientPresent.toMillis() / 1000.0),
        this::missed);
  }

  /** Every transaction locks a request before its offers, so that none waits on another in the opposite order. */
  private static final String LOCK_REQUEST_OF_OFFER = "SELECT r.id FROM requests r JOIN offers o ON o.request_id = r.id"
      + " WHERE o.id = $1 FOR UPDATE OF r";

  /**
   * Closes pending offers without a session: locks their requests ({@code lockRequests} returns
   * the ids), then closes the offers of those requests that {@code which} selects ({@code $1} is
   * the locked ids, {@code whichArgs} follow), puts the requests back in the queue, and does
   * {@code then} with what it closed (the bookkeeping of a decline or a timeout) in the same transaction.
   * A timeout's last argument is matching.clientPresentSeconds: an offer whose client was not there
   * when it ran out (client_there) was nobody's to answer, and is revoked instead, as at an accept
   * ({@link ClosedOffer#clientAway}); one statement decides it, so the offer changes state once.
   */
  private Future<List<ClosedOffer>> closeOffer(OfferState state, String lockRequests, Tuple lockArgs, String which, Tuple whichArgs,
      java.util.function.BiFunction<SqlConnection, List<ClosedOffer>, Future<List<ClosedOffer>>> then) {
    return pool.withTransaction(conn -> conn.preparedQuery(lockRequests).execute(lockArgs).compose(locked -> {
      List<UUID> ids = new ArrayList<>();
      locked.forEach(row -> ids.add(row.getUUID("id")));
      if (ids.isEmpty()) {
        return Future.succeededFuture(List.<ClosedOffer>of());
      }
      Tuple args = Tuple.of(ids.toArray(UUID[]::new));
      for (int i = 0; i < whichArgs.size(); i++) {
        args.addValue(whichArgs.getValue(i));
      }
      String newState = state != OfferState.TIMED_OUT ? "'" + state.stored() + "'"
          : "CASE WHEN client_there(r.client_id, r.client_seen_at, r.client_away_since, $" + args.size() + ") THEN 'timed_out' ELSE 'revoked' END";
      return conn.preparedQuery("UPDATE offers o SET state = " + newState + ", resolved_at = now() FROM requests r"
              + " WHERE r.id = o.request_id AND o.state = 'pending' AND o.request_id = ANY($1) AND " + which
              + " RETURNING o.id, o.request_id, o.expert_id, o.shard, o.state")
          .execute(args)
          .compose(rows -> {
            List<ClosedOffer> closed = new ArrayList<>();
            rows.forEach(row -> closed.add(new ClosedOffer(new OfferId(row.getUUID("id")), new RequestId(row.getUUID("request_id")),
                new UserId(row.getUUID("expert_id")), row.getInteger("shard"), Optional.empty(), false,
                state == OfferState.TIMED_OUT && OfferState.REVOKED.stored().equals(row.getString("state")))));
            if (closed.isEmpty()) {
              return Future.succeededFuture(closed);
            }
            UUID[] requests = closed.stream().map(c -> c.requestId().value()).toArray(UUID[]::new);
            return conn.preparedQuery("UPDATE requests SET status = 'queued' WHERE id = ANY($1) AND status = 'offered'")
                .execute(Tuple.of(requests))
                .compose(v -> then.apply(conn, closed));
          });
    }))
        .onSuccess(closed -> closed.forEach(c -> metrics.offerClosed(c.clientAway() ? OfferState.REVOKED : state)));
  }

  /** A declined offer was answered: the expert's run of missed offers ends. */
  private Future<List<ClosedOffer>> answered(SqlConnection conn, List<ClosedOffer> closed) {
    return presence.answered(conn, closed.stream().map(ClosedOffer::expertId).toList()).map(closed);
  }

  /**
   * Missed offers: each costs its expert the offer-timeout penalty, and the
   * {@code penalties.missedOffersOffline}-th in a row sets them offline; but one missed while the
   * expert was away (offline, or in the reconnect grace) costs nothing and is marked
   * {@code expert_away}, so that their acceptance rate does not count it either; and one whose
   * client was not there (revoked instead: closeOffer) was nobody's to answer, and costs nothing.
   */
  private Future<List<ClosedOffer>> missed(SqlConnection conn, List<ClosedOffer> closed) {
    // Accounts are locked before presence rows everywhere (the penalty locks the account), and
    // experts in id order, so that no two transactions wait on each other in opposite orders.
    List<ClosedOffer> byExpert = closed.stream().sorted(java.util.Comparator.comparing(c -> c.expertId().value())).toList();
    Future<List<ClosedOffer>> result = Future.succeededFuture(new ArrayList<>());
    for (ClosedOffer offer : byExpert) {
      result = result.compose(done -> (offer.clientAway() ? Future.succeededFuture(offer) : presence.away(conn, offer.expertId())
              .compose(away -> away ? missedWhileAway(conn, offer) : missedPresent(conn, offer)))
          .map(missed -> {
            done.add(missed);
            return done;
          }));
    }
    return result;
  }

  private Future<ClosedOffer> missedWhileAway(SqlConnection conn, ClosedOffer offer) {
    return conn.preparedQuery("UPDATE offers SET expert_away = true WHERE id = $1").execute(Tuple.of(offer.offerId().value())).map(offer);
  }

  private Future<ClosedOffer> missedPresent(SqlConnection conn, ClosedOffer offer) {
    return penalties.record(conn, offer.expertId(), PenaltyKind.OFFER_TIMEOUT, true, "did not answer an offer in time", null, offer.offerId().value())
        .compose(penalty -> presence.missed(conn, offer.expertId(), penaltyConfig.missedOffersOffline())
            .map(wentOffline -> new ClosedOffer(offer.offerId(), offer.requestId(), offer.expertId(), offer.shard(), penalty, wentOffline, false)));
  }

  /** What an accepted offer became; {@code price}: what was held, with what the expert earns of it. */
  public record Acceptance(
      UUID sessionId, RequestId requestId, UserId clientId, UserId expertId, Topic topic, Mode mode, int shard,
      Instant queuedAt, Instant joinDeadline, String clientName, String expertName, Price price) {}

  /** What came of an expert's accept. */
  public sealed interface AcceptOutcome {
    record Accepted(Acceptance acceptance) implements AcceptOutcome {}

    /** The offer was no longer pending, or its time was up. */
    record OfferGone() implements AcceptOutcome {}

    /** The client was not there: the offer is withdrawn (revoked, no penalty) and the request waits for them. */
    record ClientAway(ClosedOffer offer) implements AcceptOutcome {}
  }

  /** Thrown inside {@link #accept} to roll it back when the client's wallet cannot cover the price. */
  public static final class ClientCannotPay extends RuntimeException {
    private final RequestId request;
    private final UserId client;

    ClientCannotPay(RequestId request, UserId client) {
      super("the client cannot pay for this consultation", null, false, false);
      this.request = request;
      this.client = client;
    }

    public RequestId request() {
      return request;
    }

    public UserId client() {
      return client;
    }
  }

  /**
   * An expert accepts: in one transaction the offer is accepted (if still pending and in time), its
   * request matched, the session opened and the client's price held; a client who cannot pay undoes
   * it all ({@link ClientCannotPay}). A client who is not there (client_there, as for offers) is not
   * matched: nobody is charged for a session they were not there to be told of. Of any number of
   * concurrent accepts, one succeeds.
   */
  public Future<AcceptOutcome> accept(OfferId offer, UserId expert, Duration joinWindow, Duration inPersonJoinWindow, Duration clientPresent) {
    UUID session = UUID.randomUUID();
    return pool.withTransaction(conn -> conn.preparedQuery(ACCEPT)
            .execute(Tuple.of(offer.value(), expert.value(), session, clientPresent.toMillis() / 1000.0))
            .compose(rows -> {
              Row row = rows.size() == 0 ? null : rows.iterator().next();
              if (row != null && !row.getBoolean("there")) {
                return withdrawFromAbsentClient(conn, offer, expert);
              }
              if (row == null || !row.getBoolean("accepted")) {
                return Future.succeededFuture((AcceptOutcome) new AcceptOutcome.OfferGone());
              }
              if (row.getUUID("id") == null) {
                return Future.failedFuture(new IllegalStateException("offer " + offer + " was pending but its request was not offered"));
              }
              return openAndHold(conn, offer, row, session, expert, joinWindow, inPersonJoinWindow)
                  .map(acceptance -> (AcceptOutcome) new AcceptOutcome.Accepted(acceptance));
            }))
        .onSuccess(outcome -> {
          if (outcome instanceof AcceptOutcome.Accepted accepted) {
            metrics.offerClosed(OfferState.ACCEPTED);
            metrics.requestMatched(accepted.acceptance().topic(), Duration.between(accepted.acceptance().queuedAt(), Instant.now()));
          } else if (outcome instanceof AcceptOutcome.ClientAway) {
            metrics.offerClosed(OfferState.REVOKED);
          }
        });
  }

  /**
   * The matching half of an accept, one statement: {@code $1} the offer, {@code $2} the expert,
   * {@code $3} the new session, {@code $4} how recently a client without a connection must have
   * been seen to count as there. {@code r} locks the offer's request and asks whether its client
   * is there; only then {@code o} accepts the offer (if still pending and in time) and {@code m}
   * turns the request matched to the session. One row, none when the offer does not exist:
   * {@code there}; {@code accepted}, whether the offer was; and, when it was, the request's row
   * with both names, its price and where the expert is ({@code id} null if the request was not
   * offered after all, which a pending offer rules out).
   */
  private static final String ACCEPT = "WITH r AS (SELECT r.id, client_there(r.client_id, r.client_seen_at, r.client_away_since, $4) AS there"
      + " FROM requests r JOIN offers o ON o.request_id = r.id WHERE o.id = $1 FOR UPDATE OF r),"
      + " o AS (UPDATE offers o SET state = 'accepted', resolved_at = now() FROM r"
      + " WHERE o.id = $1 AND o.expert_id = $2 AND o.state = 'pending' AND o.expires_at > now() AND r.there RETURNING o.request_id),"
      + " m AS (UPDATE requests q SET status = 'matched', matched_at = now(), session_id = $3"
      + " FROM o, accounts c, accounts e, expert_presence p"
      + " WHERE q.id = o.request_id AND q.status = 'offered' AND c.id = q.client_id AND e.id = $2 AND p.expert_id = $2"
      + " RETURNING q.id, q.client_id, q.topic, q.mode, q.shard, q.queued_at, q.price, q.platform_fee, c.display_name AS client_name,"
      + " e.display_name AS expert_name, p.lat, p.lng)"
      + " SELECT r.there, EXISTS (SELECT 1 FROM o) AS accepted, m.* FROM r LEFT JOIN m ON true";

  /** The offer, still pending, is revoked (no penalty) and its request goes back to the queue to wait for its client. */
  private static Future<AcceptOutcome> withdrawFromAbsentClient(SqlConnection conn, OfferId offer, UserId expert) {
    return conn.preparedQuery("UPDATE offers SET state = 'revoked', resolved_at = now() WHERE id = $1 AND expert_id = $2 AND state = 'pending'"
            + " RETURNING id, request_id, expert_id, shard")
        .execute(Tuple.of(offer.value(), expert.value()))
        .compose(rows -> {
          List<ClosedOffer> closed = closedOffers(rows);
          if (closed.isEmpty()) {
            return Future.succeededFuture((AcceptOutcome) new AcceptOutcome.OfferGone());
          }
          return conn.preparedQuery("UPDATE requests SET status = 'queued' WHERE id = $1 AND status = 'offered'")
              .execute(Tuple.of(closed.get(0).requestId().value()))
              .map(v -> (AcceptOutcome) new AcceptOutcome.ClientAway(closed.get(0)));
        });
  }

  /**
   * Opens the session (meeting where the expert is, for in-person) and holds its price in escrow, or
   * the match does not happen. The price is the one quoted when the request was made.
   */
  private Future<Acceptance> openAndHold(SqlConnection conn, OfferId offer, Row r, UUID session, UserId expert, Duration joinWindow,
      Duration inPersonJoinWindow) {
    RequestId request = new RequestId(r.getUUID("id"));
    UserId client = new UserId(r.getUUID("client_id"));
    Topic topic = new Topic(r.getString("topic"));
    Mode mode = Mode.fromWire(r.getString("mode")).orElseThrow();
    Price price = r.getLong("price") == null ? pricing.of(topic, mode) : new Price(r.getLong("price"), r.getLong("platform_fee"), pricing.currency());
    return sessions.open(conn, new SessionOpening.NewSession(session, request, offer, client, expert, topic, mode,
            mode == Mode.IN_PERSON ? inPersonJoinWindow : joinWindow,
            mode == Mode.IN_PERSON ? GeoPoint.of(r.getDouble("lat"), r.getDouble("lng")) : Optional.empty(), price))
        .compose(joinDeadline -> Ledger.hold(conn, session, client, price.amount())
            .compose(held -> held == Ledger.Posting.POSTED ? Future.succeededFuture(joinDeadline) : Future.failedFuture(new ClientCannotPay(request, client))))
        .compose(joinDeadline -> presence.answered(conn, List.of(expert)).map(joinDeadline))
        .map(joinDeadline -> new Acceptance(session, request, client, expert, topic, mode, r.getInteger("shard"),
            r.getOffsetDateTime("queued_at").toInstant(), joinDeadline, r.getString("client_name"), r.getString("expert_name"), price));
  }

  // ---- closing requests

  /** A request that left the queue without a match; {@code revoked} is the offer it had pending, if any. */
  public record ClosedRequest(RequestId requestId, UserId clientId, Topic topic, int shard, Optional<ClosedOffer> revoked) {}

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

  /** Counts a cancellation once it has committed (the cancels above leave that to their caller). */
  public void countCancelled(Cancellation outcome) {
    if (outcome instanceof Cancellation.Cancelled cancelled) {
      counted(RequestStatus.CANCELLED, List.of(cancelled.request()));
    }
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
    return pool.withTransaction(conn -> closeRequests(conn, status, why, which, args)).onSuccess(closed -> counted(status, closed));
  }

  private void counted(RequestStatus status, List<ClosedRequest> closed) {
    closed.forEach(r -> {
      metrics.requestClosed(status, r.topic());
      r.revoked().ifPresent(o -> metrics.offerClosed(OfferState.REVOKED));
    });
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


  /** Sessions waiting or active plus pending offers: what counts against the expert's capacity. */
  public Future<Integer> loadOf(UserId expert) {
    return pool.preparedQuery("SELECT expert_load($1) AS load").execute(Tuple.of(expert.value()))
        .map(rows -> rows.iterator().next().getInteger("load"));
  }

  private static List<ClosedOffer> closedOffers(RowSet<Row> rows) {
    List<ClosedOffer> closed = new ArrayList<>();
    rows.forEach(row -> closed.add(new ClosedOffer(new OfferId(row.getUUID("id")), new RequestId(row.getUUID("request_id")),
        new UserId(row.getUUID("expert_id")), row.getInteger("shard"))));
    return closed;
  }

  private static RequestRecord request(Row row) {
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
        CancelReason.stored(row.getString("cancel_reason")).orElse(null));
  }
}
