package io.tandem.operator;

import io.tandem.kernel.UserId;
import io.tandem.money.Statements;
import io.tandem.reliability.Ratings;
import io.tandem.reliability.Reliability;
import io.tandem.session.PastSession;
import io.tandem.session.SessionViews;
import io.tandem.topic.ExpertAvailability;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the operator console and the client's topic picker read: a read model over the tables of
 * several features, and their own reads of a person. It writes nothing, so it owns no table and
 * breaks no owner's invariant; every figure is what PostgreSQL says now, whichever node owns which
 * shard. Each read answers records ({@link ConsoleRows}); the routes render them.
 */
public final class OperatorViews {
  /** How far back matches are looked at to tell a topic's typical time to match. */
  private static final String RECENT_MATCHES = "1 hour";

  private final Pool pool;
  private final Statements statements;
  private final Reliability reliability;
  private final SessionViews sessions;
  private final Audit audit;

  private final Ratings ratings;

  OperatorViews(Pool pool, Statements statements, Reliability reliability, Ratings ratings, SessionViews sessions, Audit audit) {
    this.pool = pool;
    this.ratings = ratings;
    this.statements = statements;
    this.reliability = reliability;
    this.sessions = sessions;
    this.audit = audit;
  }

  /**
   * {@code GET /api/v1/admin/users?query&limit}: people whose username starts with, or whose display
   * name holds, {@code query} (any case), newest first; without a query the newest accounts.
   */
  public Future<List<ConsoleRows.Account>> users(String query, int limit) {
    String pattern = query == null ? "" : query.trim().toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    return list(pool.preparedQuery("SELECT a.id, a.username, a.display_name, a.role, a.created_at,"
            + " CASE WHEN a.suspended_until > now() THEN a.suspended_until END AS suspended_until,"
            + " (SELECT coalesce(sum(amount), 0) FROM ledger_entries l WHERE l.account = 'wallet' AND l.user_id = a.id) AS balance"
            + " FROM accounts a WHERE $1 = '' OR lower(a.username) LIKE $1 || '%' OR lower(a.display_name) LIKE '%' || $1 || '%'"
            + " ORDER BY a.created_at DESC LIMIT $2").execute(Tuple.of(pattern, limit)),
        OperatorViews::account);
  }

  /**
   * {@code GET /api/v1/admin/users/{id}}: a person as the console shows them: the account, their
   * live request, their sessions, their wallet, their record, and what operators did to them.
   */
  public Future<ConsoleRows.Person> user(UserId id) {
    return pool.preparedQuery("SELECT a.id, a.username, a.display_name, a.role, a.created_at,"
            + " CASE WHEN a.suspended_until > now() THEN a.suspended_until END AS suspended_until,"
            + " (SELECT coalesce(sum(amount), 0) FROM ledger_entries l WHERE l.account = 'wallet' AND l.user_id = a.id) AS balance"
            + " FROM accounts a WHERE a.id = $1").execute(Tuple.of(id.value()))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiError.notFound("there is no user " + id));
          }
          ConsoleRows.Account account = account(rows.iterator().next());
          Future<List<ConsoleRows.Request>> requests = list(pool.preparedQuery("SELECT r.id, r.topic, r.mode, r.status, r.created_at, r.price,"
              + " r.cancel_reason, r.session_id FROM requests r WHERE r.client_id = $1"
              + " ORDER BY r.status IN ('queued', 'offered') DESC, r.created_at DESC LIMIT 20").execute(Tuple.of(id.value())),
              row -> request(row, null));
          Future<List<PastSession>> sessions = this.sessions.history(id, 20);
          Future<Statements.Statement> wallet = statements.statement(id);
          Future<Reliability.PenaltyRecord> record = reliability.penaltiesOf(id);
          Future<List<Audit.Entry>> actions = audit.recent(50, id.value());
          return Future.all(requests, sessions, wallet, record, actions).map(all -> new ConsoleRows.Person(account, requests.result(),
              sessions.result(), wallet.result(), record.result(), actions.result()));
        });
  }

  /** {@code GET /api/v1/admin/requests}: every waiting request, longest waiting first, with its client. */
  public Future<List<ConsoleRows.Request>> waitingRequests(int limit) {
    return list(pool.preparedQuery("SELECT r.id, r.topic, r.mode, r.status, r.created_at, r.queued_at, r.price, r.cancel_reason,"
            + " r.session_id, c.id AS client_id, c.display_name AS client_name FROM requests r JOIN accounts c ON c.id = r.client_id"
            + " WHERE r.status IN ('queued', 'offered') ORDER BY r.queued_at LIMIT $1").execute(Tuple.of(limit)),
        row -> request(row, new ConsoleRows.Waiting(name(row, "client"), instant(row.getOffsetDateTime("queued_at")))));
  }

  private static ConsoleRows.Account account(Row row) {
    return new ConsoleRows.Account(row.getUUID("id"), row.getString("username"), row.getString("display_name"), row.getString("role"),
        instant(row.getOffsetDateTime("created_at")), instant(row.getOffsetDateTime("suspended_until")), row.getLong("balance"));
  }

  /** {@code waiting}: the client and since when, for the queue's list; null for a person's own list. */
  private static ConsoleRows.Request request(Row row, ConsoleRows.Waiting waiting) {
    return new ConsoleRows.Request(row.getUUID("id"), row.getString("topic"), row.getString("mode"), row.getString("status"),
        instant(row.getOffsetDateTime("created_at")), row.getLong("price"), row.getString("cancel_reason"), row.getUUID("session_id"), waiting);
  }

  /**
   * {@code GET /api/v1/topics}: every topic some expert offers, with how many offer it, how many of
   * them are online now and how many of those are free (below their capacity: an offer could go to
   * them at once), and the same two counts over all topics, each expert once.
   */
  public Future<ExpertAvailability> topics() {
    // Each expert's state once, then per topic. expert_load is counted only for experts online (the
    // CASE, not AND, guarantees it): offline ones cannot be free.
    String experts = "WITH x AS (SELECT e.topics, " + AVAILABLE + " AS online,"
        + " CASE WHEN " + AVAILABLE + " THEN expert_load(e.account_id) < p.capacity ELSE false END AS free"
        + " FROM expert_profiles e JOIN accounts a ON a.id = e.account_id LEFT JOIN expert_presence p ON p.expert_id = e.account_id) ";
    Future<Map<String, ExpertAvailability.Count>> perTopic = pool.query(experts + "SELECT t.topic, count(*) AS experts,"
            + " count(*) FILTER (WHERE x.online) AS online, count(*) FILTER (WHERE x.free) AS free"
            + " FROM x CROSS JOIN LATERAL unnest(x.topics) AS t(topic) GROUP BY t.topic ORDER BY t.topic").execute()
        .map(rows -> {
          Map<String, ExpertAvailability.Count> counts = new HashMap<>();
          rows.forEach(row -> counts.put(row.getString("topic"),
              new ExpertAvailability.Count(row.getLong("experts"), row.getLong("online"), row.getLong("free"))));
          return counts;
        });
    // An expert of several topics counts once here, not once per topic.
    Future<Row> overall = pool.query(experts + "SELECT count(*) FILTER (WHERE x.online) AS online,"
            + " count(*) FILTER (WHERE x.free) AS free FROM x").execute()
        .map(rows -> rows.iterator().next());
    return Future.all(perTopic, overall).map(both -> new ExpertAvailability(perTopic.result(), overall.result().getLong("online"),
        overall.result().getLong("free")));
  }

  /** An expert who can be offered requests now: online, connected, not suspended ({@code p} presence, {@code a} account). */
  private static final String AVAILABLE = "p.status = 'online' AND p.disconnected_at IS NULL"
      + " AND (a.suspended_until IS NULL OR a.suspended_until < now())";

  /**
   * Waiting requests per topic: how many, the oldest wait, and the topic's median time from queued
   * to matched over the last hour ({@code null} when nothing was matched in that time).
   */
  public Future<List<ConsoleRows.Queue>> queue() {
    return list(pool.query("WITH waiting AS (SELECT topic, count(*) AS waiting,"
            + "   extract(epoch FROM now() - min(queued_at))::bigint AS oldest FROM requests"
            + "   WHERE status IN ('queued', 'offered') GROUP BY topic),"
            + " recent AS (SELECT topic, percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM matched_at - queued_at)) AS median"
            + "   FROM requests WHERE status = 'matched' AND matched_at > now() - interval '" + RECENT_MATCHES + "' GROUP BY topic)"
            + " SELECT w.topic, w.waiting, w.oldest, round(r.median)::bigint AS eta FROM waiting w LEFT JOIN recent r USING (topic)"
            + " ORDER BY w.oldest DESC").execute(),
        row -> new ConsoleRows.Queue(row.getString("topic"), row.getLong("waiting"), row.getLong("oldest"), row.getLong("eta")));
  }

  /**
   * Experts online now, and suspended ones, with their load against capacity; an online expert with
   * no live connection (in session.reconnectGraceSeconds, offered nothing) is {@code reconnecting}.
   */
  public Future<List<ConsoleRows.Expert>> experts() {
    return list(pool.query("SELECT a.id, a.display_name, p.topics, p.modes, p.capacity, expert_load(a.id) AS load,"
            + " CASE WHEN a.suspended_until > now() THEN 'suspended'"
            + " WHEN p.status = 'online' AND p.disconnected_at IS NOT NULL THEN 'reconnecting' ELSE p.status END AS status"
            + " FROM expert_presence p JOIN accounts a ON a.id = p.expert_id"
            + " WHERE p.status = 'online' OR a.suspended_until > now() ORDER BY a.display_name").execute(),
        row -> new ConsoleRows.Expert(row.getUUID("id"), row.getString("display_name"), row.getString("status"),
            List.of(row.getArrayOfStrings("topics")), List.of(row.getArrayOfStrings("modes")), row.getInteger("load"), row.getInteger("capacity")));
  }

  /** Sessions waiting for their participants or under way. */
  public Future<List<ConsoleRows.LiveSession>> liveSessions() {
    return list(pool.query("SELECT s.id, s.mode, s.status, s.created_at, s.started_at,"
            + " c.id AS client_id, c.display_name AS client_name, e.id AS expert_id, e.display_name AS expert_name"
            + " FROM sessions s JOIN accounts c ON c.id = s.client_id JOIN accounts e ON e.id = s.expert_id"
            + " WHERE s.status IN ('waiting', 'active') ORDER BY s.created_at DESC").execute(),
        row -> new ConsoleRows.LiveSession(row.getUUID("id"), row.getString("mode"), row.getString("status"), name(row, "client"),
            name(row, "expert"), instant(row.getOffsetDateTime("created_at")), instant(row.getOffsetDateTime("started_at"))));
  }

  /** {@code GET /api/v1/admin/reviews?limit}: reports of reviews no operator has settled yet, oldest first. */
  public Future<List<Ratings.Moderated>> reportedReviews(int limit) {
    return ratings.reported(limit);
  }

  /** The newest penalties, no-shows among them, waived or not. */
  public Future<List<ConsoleRows.PenaltyLine>> penalties(int limit) {
    return list(pool.preparedQuery("SELECT p.id, p.kind, p.points, p.reason, p.session_id, p.created_at, p.waived,"
            + " a.id AS user_id, a.display_name, a.role FROM penalties p JOIN accounts a ON a.id = p.user_id"
            + " ORDER BY p.created_at DESC LIMIT $1").execute(Tuple.of(limit)),
        row -> new ConsoleRows.PenaltyLine(row.getUUID("id"), new ConsoleRows.Name(row.getUUID("user_id"), row.getString("display_name")),
            row.getString("role"), row.getString("kind"), row.getInteger("points"), row.getString("reason"), row.getUUID("session_id"),
            instant(row.getOffsetDateTime("created_at")), row.getBoolean("waived")));
  }

  /** The balance of each ledger account kind; double entry makes the total 0. */
  public Future<ConsoleRows.LedgerTotals> ledgerTotals() {
    return pool.query("SELECT account, sum(amount)::bigint AS balance FROM ledger_entries GROUP BY account ORDER BY account").execute()
        .map(rows -> {
          List<ConsoleRows.AccountTotal> accounts = new ArrayList<>();
          rows.forEach(row -> accounts.add(new ConsoleRows.AccountTotal(row.getString("account"), row.getLong("balance"))));
          return new ConsoleRows.LedgerTotals(accounts, statements.currency());
        });
  }

  private static <T> Future<List<T>> list(Future<RowSet<Row>> rows, Function<Row, T> shape) {
    return rows.map(found -> {
      List<T> items = new ArrayList<>();
      found.forEach(row -> items.add(shape.apply(row)));
      return items;
    });
  }

  /** The person of columns {@code <who>_id} and {@code <who>_name}. */
  private static ConsoleRows.Name name(Row row, String who) {
    return new ConsoleRows.Name(row.getUUID(who + "_id"), row.getString(who + "_name"));
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
