package io.tandem.matching;

import io.tandem.config.TandemConfig.LedgerConfig;
import io.tandem.config.TandemConfig.PenaltyConfig;
import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.OfferId;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.presence.ExpertPresence;
import io.tandem.reliability.Ledger;
import io.tandem.reliability.Penalties;
import io.tandem.reliability.PenaltyKind;
import io.vertx.core.Future;
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
          + " r.queued_at, r.created_at, r.expires_at, r.session_id, r.fallback_mode";

  private final Pool pool;
  private final LedgerConfig ledger;
  private final Penalties penalties;
  private final PenaltyConfig penaltyConfig;
  private final SessionOpening sessions;
  private final ExpertPresence presence;
  private final MatchingMetrics metrics;

  /**
   * {@code presence}: the offer bookkeeping in experts' presence rows (presence owns them); {@code metrics}:
   * counted here, once each change has committed.
   */
  public MatchingRepository(Pool pool, LedgerConfig ledger, Penalties penalties, PenaltyConfig penaltyConfig, SessionOpening sessions,
      ExpertPresence presence, MatchingMetrics metrics) {
    this.metrics = metrics;
    this.pool = pool;
    this.presence = presence;
    this.sessions = sessions;
    this.ledger = ledger;
    this.penalties = penalties;
    this.penaltyConfig = penaltyConfig;
  }

  // ---- requests

  /** Stores a new request; with an idempotency key the client already used, returns that request instead. */
  public Future<RequestRecord> insertRequest(UserId client, NewRequest request, int shard, String idempotencyKey) {
    return pool.preparedQuery("INSERT INTO requests AS r (id, client_id, topic, shard, mode, lat, lng, max_distance_km, brief, status,"
            + " idempotency_key, expires_at, fallback_mode) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', $10,"
            + " now() + make_interval(secs => $11), $12) ON CONFLICT (client_id, idempotency_key) WHERE idempotency_key IS NOT NULL"
            + " DO NOTHING RETURNING " + REQUEST_COLUMNS)
        .execute(Tuple.tuple()
            .addUUID(UUID.randomUUID())
            .addUUID(client.value())
            .addString(request.topic().value())
            .addInteger(shard)
            .addString(request.mode().wireName())
            .addDouble(request.location().lat())
            .addDouble(request.location().lng())
            .addDouble(request.maxDistanceKm())
            .addString(request.brief())
            .addString(idempotencyKey)
            .addDouble((double) request.maxWait().toSeconds())
            .addString(request.fallbackMode() == null ? null : request.fallbackMode().wireName()))
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
   * After an expert no-show: the same request goes back to the queue at its original place (its
   * {@code queued_at} is kept, so it is served first), with a fresh wait of {@code maxWait}.
   */
  public static Future<Optional<Requeue.Requeued>> requeueFirst(SqlClient sql, RequestId id, Duration maxWait) {
    return sql.preparedQuery("UPDATE requests SET status = 'queued', session_id = NULL, matched_at = NULL,"
            + " expires_at = now() + make_interval(secs => $2) WHERE id = $1 AND status = 'matched'")
        .execute(Tuple.of(id.value(), maxWait.toMillis() / 1000.0))
        .compose(v -> findRequest(sql, id))
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
   * chose, from now on. True when this switched it (it was still queued in person).
   */
  public Future<Boolean> fallBack(RequestId request, Mode fallback) {
    return pool.preparedQuery("UPDATE requests SET mode = $2, fallback_mode = NULL WHERE id = $1 AND status = 'queued'"
            + " AND mode = 'in_person' AND fallback_mode = $2")
        .execute(Tuple.of(request.value(), fallback.wireName()))
        .map(rows -> rows.rowCount() > 0);
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
    /** Written: the offer and what the expert is shown. */
    record Made(OfferId offerId, Instant expiresAt, String clientDisplayName, String brief) implements OfferAttempt {}

    /** The request is no longer queued (cancelled, expired, or offered by someone else). */
    record RequestGone() implements OfferAttempt {}

    /** The expert is offline, disconnected or at capacity. */
    record ExpertUnavailable() implements OfferAttempt {}

    /** This node no longer holds the shard's lease with this epoch: it must stop offering. */
    record Fenced() implements OfferAttempt {}
  }

  /** One offer a shard's batch wants to write. */
  public record OfferProposal(RequestId request, UserId expert, double distanceKm) {}

  /**
   * Writes a shard's batch of offers in one round trip ({@code make_offers}, migration V8), each
   * guarded as ever: the shard lease must still be ours with our epoch (fencing), the expert's
   * presence row is locked and their load counted against capacity, and the request must still be
   * queued. One attempt per proposal, in order. The experts offered then count as busy from now for
   * the fairness ranking (presence's column, written after the commit: a lost write costs an
   * expert a little fairness, never a guarantee).
   */
  public Future<List<OfferAttempt>> makeOffers(int shard, long epoch, String nodeId, List<OfferProposal> proposals, Duration timeout) {
    int n = proposals.size();
    UUID[] requests = new UUID[n];
    UUID[] experts = new UUID[n];
    Double[] distances = new Double[n];
    UUID[] offers = new UUID[n];
    for (int i = 0; i < n; i++) {
      OfferProposal p = proposals.get(i);
      requests[i] = p.request().value();
      experts[i] = p.expert().value();
      distances[i] = p.distanceKm();
      offers[i] = UUID.randomUUID();
    }
    return pool.preparedQuery("SELECT o_idx, o_outcome, o_expires_at, o_client_name, o_brief"
            + " FROM make_offers($1, $2, $3, $4, $5, $6, $7, $8) ORDER BY o_idx")
        .execute(Tuple.of(shard, nodeId, epoch, requests, experts, distances, offers, timeout.toMillis() / 1000.0))
        .map(rows -> {
          List<OfferAttempt> attempts = new ArrayList<>(n);
          List<UserId> offered = new ArrayList<>();
          for (Row row : rows) {
            int i = row.getInteger("o_idx") - 1;
            attempts.add(switch (row.getString("o_outcome")) {
              case "made" -> {
                offered.add(proposals.get(i).expert());
                yield new OfferAttempt.Made(new OfferId(offers[i]), row.getOffsetDateTime("o_expires_at").toInstant(),
                    row.getString("o_client_name"), row.getString("o_brief"));
              }
              case "request_gone" -> new OfferAttempt.RequestGone();
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
   * while the expert was away carries neither.
   */
  public record ClosedOffer(OfferId offerId, RequestId requestId, UserId expertId, int shard,
      Optional<Penalties.Recorded> penalty, boolean expertWentOffline) {
    ClosedOffer(OfferId offerId, RequestId requestId, UserId expertId, int shard) {
      this(offerId, requestId, expertId, shard, Optional.empty(), false);
    }
  }

  /** {@code offer.decline} by the offer's expert, while it is pending. */
  public Future<Optional<ClosedOffer>> decline(OfferId offer, UserId expert) {
    return closeOffer(OfferState.DECLINED, LOCK_REQUEST_OF_OFFER, Tuple.of(offer.value()), "o.id = $2 AND o.expert_id = $3",
        Tuple.of(offer.value(), expert.value()))
        .map(closed -> closed.stream().findFirst());
  }

  /**
   * The expert went offline (or their connection closed for good) with the offer on screen: it is
   * taken back, without a penalty, and the request goes back to the queue.
   */
  public Future<Optional<ClosedOffer>> revoke(OfferId offer) {
    return closeOffer(OfferState.REVOKED, LOCK_REQUEST_OF_OFFER, Tuple.of(offer.value()), "o.id = $2", Tuple.of(offer.value()))
        .map(closed -> closed.stream().findFirst());
  }

  /** The offer's deadline passed (the owner's timer). */
  public Future<Optional<ClosedOffer>> timeOut(OfferId offer) {
    return closeOffer(OfferState.TIMED_OUT, LOCK_REQUEST_OF_OFFER, Tuple.of(offer.value()), "o.id = $2 AND o.expires_at <= now()",
        Tuple.of(offer.value()))
        .map(closed -> closed.stream().findFirst());
  }

  /** Sweeper: every pending offer whose deadline passed more than {@code grace} ago (a dead node's timers). */
  public Future<List<ClosedOffer>> timeOutOverdue(Duration grace, int limit) {
    double graceSeconds = grace.toMillis() / 1000.0;
    return closeOffer(OfferState.TIMED_OUT, "SELECT r.id FROM requests r WHERE r.id IN (SELECT o.request_id FROM offers o WHERE o.state = 'pending'"
            + " AND o.expires_at <= now() - make_interval(secs => $1) ORDER BY o.expires_at LIMIT $2) ORDER BY r.id FOR UPDATE OF r SKIP LOCKED",
        Tuple.of(graceSeconds, limit), "o.expires_at <= now() - make_interval(secs => $2)", Tuple.of(graceSeconds));
  }

  /** Every transaction locks a request before its offers, so that none waits on another in the opposite order. */
  private static final String LOCK_REQUEST_OF_OFFER = "SELECT r.id FROM requests r JOIN offers o ON o.request_id = r.id"
      + " WHERE o.id = $1 FOR UPDATE OF r";

  /**
   * Closes pending offers without a session: locks their requests ({@code lockRequests} returns
   * the ids), then closes the offers of those requests that {@code which} selects ({@code $1} is
   * the locked ids, {@code whichArgs} follow), and puts the requests back in the queue.
   */
  private Future<List<ClosedOffer>> closeOffer(OfferState state, String lockRequests, Tuple lockArgs, String which, Tuple whichArgs) {
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
      return conn.preparedQuery("UPDATE offers o SET state = '" + state.stored() + "', resolved_at = now()"
              + " WHERE o.state = 'pending' AND o.request_id = ANY($1) AND " + which + " RETURNING o.id, o.request_id, o.expert_id, o.shard")
          .execute(args)
          .compose(rows -> {
            List<ClosedOffer> closed = closedOffers(rows);
            if (closed.isEmpty()) {
              return Future.succeededFuture(closed);
            }
            UUID[] requests = closed.stream().map(c -> c.requestId().value()).toArray(UUID[]::new);
            return conn.preparedQuery("UPDATE requests SET status = 'queued' WHERE id = ANY($1) AND status = 'offered'")
                .execute(Tuple.of(requests))
                .compose(v -> switch (state) {
                  case TIMED_OUT -> missed(conn, closed);
                  case DECLINED -> answered(conn, closed);
                  default -> Future.succeededFuture(closed);
                });
          });
    }))
        .onSuccess(closed -> closed.forEach(c -> metrics.offerClosed(state)));
  }

  /** A declined offer was answered: the expert's run of missed offers ends. */
  private Future<List<ClosedOffer>> answered(SqlConnection conn, List<ClosedOffer> closed) {
    return presence.answered(conn, closed.stream().map(ClosedOffer::expertId).toList()).map(closed);
  }

  /**
   * Missed offers: each costs its expert the offer-timeout penalty, and the
   * {@code penalties.missedOffersOffline}-th in a row sets them offline; but one missed while the
   * expert was away (offline, or in the reconnect grace) costs nothing and is marked
   * {@code expert_away}, so that their acceptance rate does not count it either.
   */
  private Future<List<ClosedOffer>> missed(SqlConnection conn, List<ClosedOffer> closed) {
    // Accounts are locked before presence rows everywhere (the penalty locks the account), and
    // experts in id order, so that no two transactions wait on each other in opposite orders.
    List<ClosedOffer> byExpert = closed.stream().sorted(java.util.Comparator.comparing(c -> c.expertId().value())).toList();
    Future<List<ClosedOffer>> result = Future.succeededFuture(new ArrayList<>());
    for (ClosedOffer offer : byExpert) {
      result = result.compose(done -> presence.away(conn, offer.expertId())
          .compose(away -> away ? missedWhileAway(conn, offer) : missedPresent(conn, offer))
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
            .map(wentOffline -> new ClosedOffer(offer.offerId(), offer.requestId(), offer.expertId(), offer.shard(), penalty, wentOffline)));
  }

  /** What an accepted offer became. */
  public record Acceptance(
      UUID sessionId, RequestId requestId, UserId clientId, UserId expertId, Topic topic, Mode mode, int shard,
      Instant queuedAt, Instant joinDeadline, String clientName, String expertName) {}

  /**
   * {@code offer.accept}: the pending offer becomes accepted, its request matched and a session
   * waiting for both to join, all or nothing. Of any number of concurrent accepts, one succeeds.
   */
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
   * it all ({@link ClientCannotPay}). Empty when the offer is gone.
   */
  public Future<Optional<Acceptance>> accept(OfferId offer, UserId expert, Duration joinWindow, Duration inPersonJoinWindow) {
    UUID session = UUID.randomUUID();
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_REQUEST_OF_OFFER).execute(Tuple.of(offer.value()))
        .compose(locked -> acceptPending(conn, offer, expert))
        .compose(request -> request.isEmpty()
            ? Future.succeededFuture(Optional.<Acceptance>empty())
            : matchRequest(conn, offer, request.get(), session, expert)
                .compose(matched -> openAndHold(conn, offer, matched, session, expert, joinWindow, inPersonJoinWindow))
                .map(Optional::of)))
        .onSuccess(accepted -> accepted.ifPresent(a -> {
          metrics.offerClosed(OfferState.ACCEPTED);
          metrics.requestMatched(a.topic(), Duration.between(a.queuedAt(), Instant.now()));
        }));
  }

  /** The request of the offer, now accepted; empty when it was no longer pending or its time was up. */
  private static Future<Optional<UUID>> acceptPending(SqlConnection conn, OfferId offer, UserId expert) {
    return conn.preparedQuery("UPDATE offers SET state = 'accepted', resolved_at = now()"
            + " WHERE id = $1 AND expert_id = $2 AND state = 'pending' AND expires_at > now() RETURNING request_id, shard")
        .execute(Tuple.of(offer.value(), expert.value()))
        .map(accepted -> accepted.size() == 0 ? Optional.empty() : Optional.of(accepted.iterator().next().getUUID("request_id")));
  }

  /** The request turns matched to the session; its row, with both names and where the expert is. */
  private static Future<Row> matchRequest(SqlConnection conn, OfferId offer, UUID request, UUID session, UserId expert) {
    return conn.preparedQuery("UPDATE requests r SET status = 'matched', matched_at = now(), session_id = $2"
            + " FROM accounts c, accounts e, expert_presence p"
            + " WHERE r.id = $1 AND r.status = 'offered' AND c.id = r.client_id AND e.id = $3 AND p.expert_id = $3"
            + " RETURNING r.id, r.client_id, r.topic, r.mode, r.shard, r.queued_at, c.display_name AS client_name,"
            + " e.display_name AS expert_name, p.lat, p.lng")
        .execute(Tuple.of(request, session, expert.value()))
        .compose(matched -> matched.size() == 0
            ? Future.failedFuture(new IllegalStateException("offer " + offer + " was pending but its request was not offered"))
            : Future.succeededFuture(matched.iterator().next()));
  }

  /** Opens the session (meeting where the expert is, for in-person) and holds its price in escrow, or the match does not happen. */
  private Future<Acceptance> openAndHold(SqlConnection conn, OfferId offer, Row r, UUID session, UserId expert, Duration joinWindow,
      Duration inPersonJoinWindow) {
    RequestId request = new RequestId(r.getUUID("id"));
    UserId client = new UserId(r.getUUID("client_id"));
    Topic topic = new Topic(r.getString("topic"));
    Mode mode = Mode.fromWire(r.getString("mode")).orElseThrow();
    long price = ledger.priceOf(topic.root());
    return sessions.open(conn, new SessionOpening.NewSession(session, request, offer, client, expert, topic, mode,
            mode == Mode.IN_PERSON ? inPersonJoinWindow : joinWindow, new GeoPoint(r.getDouble("lat"), r.getDouble("lng")), price))
        .compose(joinDeadline -> Ledger.hold(conn, session, client, price)
            .compose(held -> held ? Future.succeededFuture(joinDeadline) : Future.failedFuture(new ClientCannotPay(request, client))))
        .compose(joinDeadline -> presence.answered(conn, List.of(expert)).map(joinDeadline))
        .map(joinDeadline -> new Acceptance(session, request, client, expert, topic, mode, r.getInteger("shard"),
            r.getOffsetDateTime("queued_at").toInstant(), joinDeadline, r.getString("client_name"), r.getString("expert_name")));
  }

  // ---- closing requests

  /** A request that left the queue without a match; {@code revoked} is the offer it had pending, if any. */
  public record ClosedRequest(RequestId requestId, UserId clientId, Topic topic, int shard, Optional<ClosedOffer> revoked) {}

  /** The outcome of a client's cancel. */
  public sealed interface Cancellation {
    record Cancelled(ClosedRequest request) implements Cancellation {}

    record NotFound() implements Cancellation {}

    record AlreadyClosed(RequestStatus status) implements Cancellation {}
  }

  public Future<Cancellation> cancel(RequestId request, UserId client) {
    return closeRequests(RequestStatus.CANCELLED, "r.id = $1 AND r.client_id = $2", Tuple.of(request.value(), client.value()))
        .compose(closed -> {
          if (!closed.isEmpty()) {
            return Future.succeededFuture((Cancellation) new Cancellation.Cancelled(closed.get(0)));
          }
          return pool.preparedQuery("SELECT status FROM requests WHERE id = $1 AND client_id = $2")
              .execute(Tuple.of(request.value(), client.value()))
              .map(rows -> rows.size() == 0
                  ? new Cancellation.NotFound()
                  : new Cancellation.AlreadyClosed(RequestStatus.stored(rows.iterator().next().getString("status"))));
        });
  }

  /** The request's deadline passed (the owner's timer). */
  public Future<Optional<ClosedRequest>> expire(RequestId request) {
    return closeRequests(RequestStatus.EXPIRED, "r.id = $1 AND r.expires_at <= now()", Tuple.of(request.value()))
        .map(closed -> closed.stream().findFirst());
  }

  /** Sweeper: waiting requests whose deadline passed more than {@code grace} ago. */
  public Future<List<ClosedRequest>> expireOverdue(Duration grace, int limit) {
    return closeRequests(RequestStatus.EXPIRED, "r.id IN (SELECT id FROM requests WHERE status IN ('queued', 'offered')"
        + " AND expires_at <= now() - make_interval(secs => $1) ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)",
        Tuple.of(grace.toMillis() / 1000.0, limit));
  }

  private Future<List<ClosedRequest>> closeRequests(RequestStatus status, String which, Tuple args) {
    return pool.withTransaction(conn -> conn.preparedQuery("UPDATE requests r SET status = '" + status.wireName() + "'"
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
        }))
        .onSuccess(closed -> closed.forEach(r -> {
          metrics.requestClosed(status, r.topic());
          r.revoked().ifPresent(o -> metrics.offerClosed(OfferState.REVOKED));
        }));
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
        new GeoPoint(row.getDouble("lat"), row.getDouble("lng")),
        row.getDouble("max_distance_km"),
        row.getString("brief"),
        RequestStatus.stored(row.getString("status")),
        row.getOffsetDateTime("queued_at").toInstant(),
        row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("expires_at").toInstant(),
        row.getUUID("session_id"),
        row.getString("fallback_mode") == null ? null : Mode.fromWire(row.getString("fallback_mode")).orElseThrow());
  }
}
