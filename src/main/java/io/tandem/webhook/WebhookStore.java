package io.tandem.webhook;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The webhook tables' store (V9__webhooks.sql says who else writes them: the outbox triggers add
 * events and their deliveries). A delivery is claimed by pushing its next attempt past the claim
 * timeout, not by holding a transaction open across the HTTP call: a node that dies mid-delivery
 * leaves it due again after the timeout, for whichever node sweeps next. So delivery is at least
 * once, and receivers tell repeats apart by the event id.
 */
public final class WebhookStore {
  static final String CONFIG = "config";
  static final String ADMIN = "admin";
  private static final String SUBSCRIPTION_COLUMNS = "s.id, s.url, s.events, s.source, s.active, s.created_at";
  private static final String DELIVERY_COLUMNS = "d.event_seq, e.id AS event_id, e.type, e.occurred_at, e.ordering_key, d.state,"
      + " d.attempts, d.next_attempt_at, d.last_attempt_at, d.last_status, d.last_error, d.delivered_at";

  private final Pool pool;

  public WebhookStore(Pool pool) {
    this.pool = pool;
  }

  /** A subscription as the admin API shows it; the secret is shown once, when it is created. */
  public record Subscription(UUID id, String url, List<String> events, String source, boolean active, Instant createdAt) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id.toString()).put("url", url).put("events", new JsonArray(new ArrayList<>(events)))
          .put("source", source).put("active", active).put("createdAt", createdAt.toString());
    }
  }

  /** A delivery this node claimed: what to send, where, and signed with what. */
  record Claimed(UUID subscription, long seq, int attempts, UUID eventId, String type, Instant occurredAt, JsonObject data,
      String url, String secret) {
    /** The body receivers get: the same bytes on every attempt and replay. */
    String body() {
      return new JsonObject().put("id", eventId.toString()).put("type", type).put("occurredAt", occurredAt.toString())
          .put("data", data).encode();
    }
  }

  /**
   * Keeps the configured subscription ({@code webhooks.url}) in step with the configuration: the
   * one for this URL is created or updated, any other from configuration switched off. Its id is
   * derived from the URL, so every node of a cluster (which must share the configuration) agrees.
   */
  public Future<Void> syncConfigured(WebhookConfig config) {
    UUID id = config.subscribed() ? configuredId(config.url()) : null;
    return pool.withTransaction(conn -> conn.preparedQuery("UPDATE webhook_subscriptions SET active = false"
            + " WHERE source = 'config' AND active AND id IS DISTINCT FROM $1")
        .execute(Tuple.of(id))
        .compose(v -> id == null
            ? Future.succeededFuture()
            : conn.preparedQuery("INSERT INTO webhook_subscriptions (id, url, secret, events, source) VALUES ($1, $2, $3, $4, 'config')"
                    + " ON CONFLICT (id) DO UPDATE SET secret = EXCLUDED.secret, events = EXCLUDED.events, active = true")
                .execute(Tuple.of(id, config.url(), config.secret(), config.events().toArray(String[]::new)))
                .mapEmpty()));
  }

  static UUID configuredId(String url) {
    return UUID.nameUUIDFromBytes(("tandem webhook from configuration: " + url).getBytes(StandardCharsets.UTF_8));
  }

  Future<Subscription> subscribe(String url, String secret, List<String> events) {
    return pool.preparedQuery("INSERT INTO webhook_subscriptions AS s (id, url, secret, events, source) VALUES ($1, $2, $3, $4, 'admin')"
            + " RETURNING " + SUBSCRIPTION_COLUMNS)
        .execute(Tuple.of(UUID.randomUUID(), url, secret, events.toArray(String[]::new)))
        .map(rows -> subscription(rows.iterator().next()));
  }

  /**
   * Every subscription with its backlog: deliveries pending (and of those, failing: tried and not
   * delivered yet), when the oldest pending event happened, the latest error, and deliveries given up.
   */
  /** A subscription with the deliveries it still waits for (and of those, failing), when the oldest happened, the latest error, and those given up. */
  public record WithBacklog(Subscription subscription, long pending, long failing, long gaveUp, String lastError, Instant oldestPendingAt) {
    /** An entry of {@code GET /api/v1/admin/webhooks}: the subscription with its {@code backlog}. */
    public JsonObject toJson() {
      return subscription.toJson().put("backlog", new JsonObject().put("pending", pending).put("failing", failing).put("gaveUp", gaveUp)
          .put("lastError", lastError).put("oldestPendingAt", oldestPendingAt == null ? null : oldestPendingAt.toString()));
    }
  }

  Future<List<WithBacklog>> subscriptionsWithBacklog() {
    return pool.query("SELECT " + SUBSCRIPTION_COLUMNS + ", p.pending, p.failing, p.oldest, p.last_error, g.gave_up"
            + " FROM webhook_subscriptions s"
            + " CROSS JOIN LATERAL (SELECT count(*) AS pending, count(*) FILTER (WHERE d.last_error IS NOT NULL) AS failing,"
            + "   min(e.occurred_at) AS oldest,"
            + "   (array_agg(d.last_error ORDER BY d.last_attempt_at DESC) FILTER (WHERE d.last_error IS NOT NULL))[1] AS last_error"
            + "   FROM webhook_deliveries d JOIN webhook_events e ON e.seq = d.event_seq"
            + "   WHERE d.subscription_id = s.id AND d.state = 'pending') p"
            + " CROSS JOIN LATERAL (SELECT count(*) AS gave_up FROM webhook_deliveries d"
            + "   WHERE d.subscription_id = s.id AND d.state = 'gave_up') g"
            + " ORDER BY s.created_at, s.id").execute()
        .map(rows -> {
          List<WithBacklog> all = new ArrayList<>();
          for (Row row : rows) {
            all.add(new WithBacklog(subscription(row), row.getLong("pending"), row.getLong("failing"), row.getLong("gave_up"),
                row.getString("last_error"), instant(row, "oldest")));
          }
          return all;
        });
  }

  Future<Optional<Subscription>> subscription(UUID id) {
    return pool.preparedQuery("SELECT " + SUBSCRIPTION_COLUMNS + " FROM webhook_subscriptions s WHERE s.id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(subscription(rows.iterator().next())));
  }

  /**
   * Switches an admin subscription off: no new events are recorded for it, and its pending
   * deliveries are not sent (they stay in its log). Empty when there is no such admin subscription.
   */
  Future<Optional<Subscription>> deactivate(UUID id) {
    return pool.preparedQuery("UPDATE webhook_subscriptions s SET active = false WHERE s.id = $1 AND s.source = 'admin'"
            + " RETURNING " + SUBSCRIPTION_COLUMNS)
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(subscription(rows.iterator().next())));
  }

  /**
   * Claims up to {@code limit} due deliveries of active subscriptions, each the earliest pending one
   * of its subscription and request (so one request's events are never in flight out of order), and
   * makes them due again only after {@code claimTimeout}.
   */
  Future<List<Claimed>> claim(int limit, Duration claimTimeout) {
    return bookkeeping(conn -> conn.preparedQuery("WITH due AS ("
            + " SELECT d.subscription_id, d.event_seq FROM webhook_deliveries d"
            + " JOIN webhook_subscriptions s ON s.id = d.subscription_id AND s.active"
            + " WHERE d.state = 'pending' AND d.next_attempt_at <= now()"
            + " AND NOT EXISTS (SELECT 1 FROM webhook_deliveries b WHERE b.subscription_id = d.subscription_id"
            + "   AND b.ordering_key = d.ordering_key AND b.state = 'pending' AND b.event_seq < d.event_seq)"
            + " ORDER BY d.next_attempt_at, d.event_seq LIMIT $1 FOR UPDATE OF d SKIP LOCKED)"
            + " UPDATE webhook_deliveries d SET attempts = d.attempts + 1, last_attempt_at = now(),"
            + " next_attempt_at = now() + make_interval(secs => $2)"
            + " FROM due, webhook_events e, webhook_subscriptions s"
            + " WHERE d.subscription_id = due.subscription_id AND d.event_seq = due.event_seq"
            + " AND e.seq = d.event_seq AND s.id = d.subscription_id"
            + " RETURNING d.subscription_id, d.event_seq, d.attempts, e.id, e.type, e.occurred_at, e.data, s.url, s.secret")
        .execute(Tuple.of(limit, claimTimeout.toMillis() / 1000.0))
        .map(rows -> {
          List<Claimed> claimed = new ArrayList<>();
          for (Row row : rows) {
            claimed.add(new Claimed(row.getUUID("subscription_id"), row.getLong("event_seq"), row.getInteger("attempts"),
                row.getUUID("id"), row.getString("type"), row.getOffsetDateTime("occurred_at").toInstant(),
                row.getJsonObject("data"), row.getString("url"), row.getString("secret")));
          }
          return claimed;
        }));
  }

  /**
   * The receivers answered 2xx ({@code statuses}, in the order of {@code claimed}), in one statement.
   * Whoever sent them, they are delivered (a slower claimer's success counts too).
   */
  Future<Void> delivered(List<Claimed> claimed, List<Integer> statuses) {
    return bookkeeping(conn -> conn.preparedQuery("UPDATE webhook_deliveries d SET state = 'delivered', delivered_at = now(), last_status = u.status,"
            + " last_error = NULL FROM unnest($1::uuid[], $2::bigint[], $3::int[]) AS u(subscription_id, event_seq, status)"
            + " WHERE d.subscription_id = u.subscription_id AND d.event_seq = u.event_seq AND d.state = 'pending'")
        .execute(Tuple.of(claimed.stream().map(Claimed::subscription).toArray(UUID[]::new),
            claimed.stream().map(Claimed::seq).toArray(Long[]::new), statuses.toArray(Integer[]::new)))
        .mapEmpty());
  }

  /**
   * The attempt failed: due again after {@code retryIn}, or given up when empty. Only while the
   * claim is still this one ({@code attempts} unchanged): a claimer that outlived its claim must not
   * push back the attempt of the node that took over.
   */
  Future<Void> failed(Claimed c, Integer status, String error, Optional<Duration> retryIn) {
    return bookkeeping(conn -> conn.preparedQuery("UPDATE webhook_deliveries SET last_status = $4, last_error = $5,"
            + " state = CASE WHEN $6::float8 IS NULL THEN 'gave_up' ELSE 'pending' END,"
            + " next_attempt_at = CASE WHEN $6::float8 IS NULL THEN next_attempt_at ELSE now() + make_interval(secs => $6::float8) END"
            + " WHERE subscription_id = $1 AND event_seq = $2 AND attempts = $3 AND state = 'pending'")
        .execute(Tuple.of(c.subscription(), c.seq(), c.attempts(), status, error,
            retryIn.map(d -> d.toMillis() / 1000.0).orElse(null)))
        .mapEmpty());
  }

  /**
   * The dispatcher's own bookkeeping (claims and outcomes), in a transaction that commits without
   * waiting for the WAL flush: {@code synchronous_commit} is off for it alone. None of it acknowledges
   * anything to anyone: a claim lost in a crash is a delivery sent again once the claim would have run
   * out, a lost outcome a delivery sent again, both within at-least-once. The events themselves are
   * written durably, by the transaction of their change. So delivery does not add to the flushes that
   * users' commits wait for.
   */
  private <T> Future<T> bookkeeping(Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(conn -> conn.query("SET LOCAL synchronous_commit = off").execute().compose(v -> work.apply(conn)));
  }

  /**
   * A subscription's delivery log, newest first: {@code state} filters (null: all), and
   * {@code beforeSeq} pages back (null: from the newest).
   */
  Future<List<Delivery>> deliveries(UUID subscription, String state, Long beforeSeq, int limit) {
    return pool.preparedQuery("SELECT " + DELIVERY_COLUMNS + " FROM webhook_deliveries d JOIN webhook_events e ON e.seq = d.event_seq"
            + " WHERE d.subscription_id = $1 AND ($2::text IS NULL OR d.state = $2) AND ($3::bigint IS NULL OR d.event_seq < $3)"
            + " ORDER BY d.event_seq DESC LIMIT $4")
        .execute(Tuple.of(subscription, state, beforeSeq, limit))
        .map(rows -> {
          List<Delivery> log = new ArrayList<>();
          rows.forEach(row -> log.add(delivery(row)));
          return log;
        });
  }

  /**
   * Sends an event to a subscription again, now, with the same id (delivered or given up: both may
   * be replayed; a pending one is only hurried). Empty when the subscription never got that event.
   */
  Future<Optional<Delivery>> replay(UUID subscription, UUID eventId) {
    return pool.preparedQuery("WITH replayed AS (UPDATE webhook_deliveries d SET state = 'pending', next_attempt_at = now()"
            + " FROM webhook_events e WHERE e.id = $2 AND d.event_seq = e.seq AND d.subscription_id = $1 RETURNING d.*)"
            + " SELECT " + DELIVERY_COLUMNS + " FROM replayed d JOIN webhook_events e ON e.seq = d.event_seq")
        .execute(Tuple.of(subscription, eventId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(delivery(rows.iterator().next())));
  }

  /** Deliveries not yet settled, of active subscriptions, and the age of the oldest one's event. */
  record Backlog(long pending, Duration oldest) {}

  Future<Backlog> backlog() {
    return pool.query("SELECT count(*) AS pending, extract(epoch FROM now() - min(e.occurred_at)) AS oldest"
            + " FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id AND s.active"
            + " JOIN webhook_events e ON e.seq = d.event_seq WHERE d.state = 'pending'")
        .execute()
        .map(rows -> {
          Row row = rows.iterator().next();
          Number oldest = (Number) row.getValue("oldest");
          return new Backlog(row.getLong("pending"), oldest == null ? Duration.ZERO : Duration.ofMillis((long) (oldest.doubleValue() * 1000)));
        });
  }

  /** Forgets events older than {@code retention} that no active subscription still has to get, a bounded number at a time. */
  Future<Integer> prune(Duration retention, int limit) {
    return pool.preparedQuery("DELETE FROM webhook_events WHERE seq IN (SELECT e.seq FROM webhook_events e"
            + " WHERE e.occurred_at < now() - make_interval(secs => $1) AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d"
            + " JOIN webhook_subscriptions s ON s.id = d.subscription_id AND s.active WHERE d.event_seq = e.seq AND d.state = 'pending')"
            + " ORDER BY e.occurred_at LIMIT $2)")
        .execute(Tuple.of((double) retention.toSeconds(), limit))
        .map(rows -> rows.rowCount());
  }

  private static Subscription subscription(Row row) {
    return new Subscription(row.getUUID("id"), row.getString("url"), List.of(row.getArrayOfStrings("events")), row.getString("source"),
        row.getBoolean("active"), row.getOffsetDateTime("created_at").toInstant());
  }

  private static Delivery delivery(Row row) {
    return new Delivery(row.getUUID("event_id"), row.getLong("event_seq"), row.getString("type"), row.getUUID("ordering_key"),
        row.getOffsetDateTime("occurred_at").toInstant(), row.getString("state"), row.getInteger("attempts"), row.getInteger("last_status"),
        row.getString("last_error"), instant(row, "next_attempt_at"), instant(row, "last_attempt_at"), instant(row, "delivered_at"));
  }

  private static Instant instant(Row row, String column) {
    return row.getOffsetDateTime(column) == null ? null : row.getOffsetDateTime(column).toInstant();
  }
}
