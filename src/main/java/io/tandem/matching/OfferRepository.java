package io.tandem.matching;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.OfferId;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.money.Price;
import io.tandem.money.Pricing;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Offers, from made to answered, timed out or taken back: with {@link RequestRepository}, the one
 * store of the requests and offers tables (every transaction locks a request before its offers).
 * Every transition is a conditional write ({@code UPDATE ... WHERE state = 'pending'}), so it
 * happens at most once however many nodes, timers and sweepers try it at the same time; callers
 * act only on the rows they got back, and compose what else a transition does (a session opened,
 * a price held, a penalty) in the same transaction through {@link AfterClose} or a connection.
 */
public final class OfferRepository {
  private final Pool pool;
  private final Pricing pricing;
  private final MatchingQueries queries;

  /** {@code queries}: the request's price as stored. */
  public OfferRepository(Pool pool, Pricing pricing, MatchingQueries queries) {
    this.pool = pool;
    this.pricing = pricing;
    this.queries = queries;
  }

  /** What a shard's batch wrote: the requests it stored (in no particular order) and one attempt per proposal, in order. */
  record WrittenBatch(List<StoredRequest> stored, List<OfferAttempt> attempts) {}

  /**
   * Writes a shard's batch in one round trip and one commit: the new requests that reached the
   * shard ({@code toStore}, rows as {@link ShardMessages#rowToStore} makes them), then its offers
   * ({@code make_offers}, migration V8; both in {@code store_requests_and_make_offers}, V23). Each
   * offer is guarded as ever: the shard lease must still be ours with our epoch (fencing), the
   * expert's presence row is locked and their load counted against capacity, and the request must
   * still be queued. A request that breaks a unique index is not stored, and not reported.
   */
  public Future<WrittenBatch> write(int shard, long epoch, String nodeId, List<JsonObject> toStore, List<OfferProposal> proposals,
      Duration timeout, Duration clientPresent) {
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
    List<Object> arguments = new ArrayList<>();
    if (!toStore.isEmpty()) {
      arguments.add(new JsonArray(new ArrayList<>(toStore)));
    }
    arguments.addAll(List.of(shard, nodeId, epoch, requests, experts, distances, offers, timeout.toMillis() / 1000.0,
        clientPresent.toMillis() / 1000.0));
    Future<RowSet<Row>> written = pool.preparedQuery(toStore.isEmpty()
            ? "SELECT o_idx, o_outcome, o_expires_at, o_client_name, o_brief, o_price, o_fee, NULL::uuid AS o_request,"
                + " NULL::timestamptz AS o_queued_at FROM make_offers($1, $2, $3, $4, $5, $6, $7, $8, $9) ORDER BY o_idx"
            : "SELECT o_idx, o_outcome, o_expires_at, o_client_name, o_brief, o_price, o_fee, o_request, o_queued_at"
                + " FROM store_requests_and_make_offers($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ORDER BY o_idx NULLS FIRST")
        .execute(Tuple.from(arguments));
    return written.map(rows -> {
      List<StoredRequest> stored = new ArrayList<>();
      List<OfferAttempt> attempts = new ArrayList<>(n);
      for (Row row : rows) {
        if ("stored".equals(row.getString("o_outcome"))) {
          stored.add(new StoredRequest(new RequestId(row.getUUID("o_request")), row.getOffsetDateTime("o_queued_at").toInstant(),
              row.getOffsetDateTime("o_expires_at").toInstant()));
          continue;
        }
        int i = row.getInteger("o_idx") - 1;
        attempts.add(switch (row.getString("o_outcome")) {
          case "made" -> new OfferAttempt.Made(new OfferId(offers[i]), row.getOffsetDateTime("o_expires_at").toInstant(),
              row.getString("o_client_name"), row.getString("o_brief"), row.getLong("o_price") == null
                  ? pricing.of(proposals.get(i).topic(), proposals.get(i).mode())
                  : new Price(row.getLong("o_price"), row.getLong("o_fee"), pricing.currency()));
          case "request_gone" -> new OfferAttempt.RequestGone();
          case "client_away" -> new OfferAttempt.ClientAway();
          case "not_chosen" -> new OfferAttempt.NotChosen();
          case "expert_unavailable" -> new OfferAttempt.ExpertUnavailable();
          case "fenced" -> new OfferAttempt.Fenced();
          default -> throw new IllegalStateException("make_offers answered " + row.getString("o_outcome"));
        });
      }
      return new WrittenBatch(stored, attempts);
    });
  }

  /**
   * What a decline or a timeout does with the offers it closed, inside the same transaction (the
   * caller's bookkeeping of the experts' answers and penalties): the offers as they are to be announced.
   */
  @FunctionalInterface
  public interface AfterClose {
    Future<List<ClosedOffer>> apply(SqlConnection conn, List<ClosedOffer> closed);
  }

  /** {@code offer.decline} by the offer's expert, while it is pending; {@code then}: see {@link AfterClose}. */
  public Future<Optional<ClosedOffer>> decline(OfferId offer, UserId expert, AfterClose then) {
    return closeOffer(OfferState.DECLINED, LOCK_REQUEST_OF_OFFER, Tuple.of(offer.value()), "o.id = $2 AND o.expert_id = $3",
        Tuple.of(offer.value(), expert.value()), then)
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
   * for telling whether the client was there (an offer whose client was not is revoked instead);
   * {@code then}: what the miss costs ({@link OfferTimeouts}).
   */
  public Future<Optional<ClosedOffer>> timeOut(OfferId offer, Duration clientPresent, AfterClose then) {
    return closeOffer(OfferState.TIMED_OUT, LOCK_REQUEST_OF_OFFER, Tuple.of(offer.value()), "o.id = $2 AND o.expires_at <= now()",
        Tuple.of(offer.value(), clientPresent.toMillis() / 1000.0), then)
        .map(closed -> closed.stream().findFirst());
  }

  /** Sweeper: every pending offer whose deadline passed more than {@code grace} ago (a dead node's timers). */
  public Future<List<ClosedOffer>> timeOutOverdue(Duration grace, int limit, Duration clientPresent, AfterClose then) {
    double graceSeconds = grace.toMillis() / 1000.0;
    return closeOffer(OfferState.TIMED_OUT, "SELECT r.id FROM requests r WHERE r.id IN (SELECT o.request_id FROM offers o WHERE o.state = 'pending'"
            + " AND o.expires_at <= now() - make_interval(secs => $1) ORDER BY o.expires_at LIMIT $2) ORDER BY r.id FOR UPDATE OF r SKIP LOCKED",
        Tuple.of(graceSeconds, limit), "o.expires_at <= now() - make_interval(secs => $2)", Tuple.of(graceSeconds, clientPresent.toMillis() / 1000.0),
        then);
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
      AfterClose then) {
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
    }));
  }

  /** An offer missed while its expert was away (offline, or in the reconnect grace): their acceptance rate does not count it. */
  Future<ClosedOffer> markExpertAway(SqlConnection conn, ClosedOffer offer) {
    return conn.preparedQuery("UPDATE offers SET expert_away = true WHERE id = $1").execute(Tuple.of(offer.offerId().value())).map(offer);
  }

  /**
   * The matching half of an expert's accept, inside the caller's transaction ({@link OfferService}
   * opens the session and holds the price in the same one): the offer is accepted (if still pending
   * and in time) and its request matched to {@code session}. A client who is not there
   * (client_there, as for offers) is not matched: the offer is withdrawn instead, without a penalty.
   * Of any number of concurrent accepts, one is matched.
   */
  public Future<AcceptOutcome> accept(SqlConnection conn, OfferId offer, UserId expert, UUID session, Duration clientPresent) {
    return conn.preparedQuery(ACCEPT)
        .execute(Tuple.of(offer.value(), expert.value(), session, clientPresent.toMillis() / 1000.0))
        .compose(rows -> {
          Row row = rows.size() == 0 ? null : rows.iterator().next();
          if (row != null && !row.getBoolean("there")) {
            return withdrawFromAbsentClient(conn, offer, expert);
          }
          if (row == null || !row.getBoolean("accepted")) {
            return Future.succeededFuture(new AcceptOutcome.OfferGone());
          }
          if (row.getUUID("id") == null) {
            return Future.failedFuture(new IllegalStateException("offer " + offer + " was pending but its request was not offered"));
          }
          Topic topic = new Topic(row.getString("topic"));
          Mode mode = Mode.fromWire(row.getString("mode")).orElseThrow();
          return Future.succeededFuture(new AcceptOutcome.Matched(new RequestId(row.getUUID("id")), new UserId(row.getUUID("client_id")),
              topic, mode, row.getInteger("shard"), row.getOffsetDateTime("queued_at").toInstant(), queries.priceOf(row, topic, mode),
              row.getString("client_name"), row.getString("expert_name"), GeoPoint.of(row.getDouble("lat"), row.getDouble("lng"))));
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
          List<ClosedOffer> closed = RequestRepository.closedOffers(rows);
          if (closed.isEmpty()) {
            return Future.succeededFuture((AcceptOutcome) new AcceptOutcome.OfferGone());
          }
          return conn.preparedQuery("UPDATE requests SET status = 'queued' WHERE id = $1 AND status = 'offered'")
              .execute(Tuple.of(closed.get(0).requestId().value()))
              .map(v -> (AcceptOutcome) new AcceptOutcome.ClientAway(closed.get(0)));
        });
  }
}
