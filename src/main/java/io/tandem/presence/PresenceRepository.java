package io.tandem.presence;

import io.tandem.expert.Offering;
import io.tandem.kernel.ExpertSnapshot;
import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.reliability.AcceptanceRate;
import io.tandem.reliability.BayesianRating;
import io.tandem.reliability.PenaltyConfig;
import io.tandem.reliability.PenaltyPolicy;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Who is connected, and which experts are online with what offering, in PostgreSQL: the one writer
 * of {@code connections} and {@code expert_presence}. What other features change in an expert's
 * presence inside their own transactions (an offer made or answered, a suspension) goes through
 * {@link ExpertPresence} (matching) and {@link #suspended} (reliability), which take the caller's
 * connection.
 */
public final class PresenceRepository implements ExpertPresence {
  private final Pool pool;
  /** The load (the SQL function of migration V2, which the capacity guard uses too) and the ranking inputs. */
  private final String loadColumns;
  private final BayesianRating rating;
  private final PenaltyPolicy policy;

  public PresenceRepository(Pool pool, BayesianRating rating, PenaltyConfig penalties) {
    this.pool = pool;
    this.rating = rating;
    this.policy = new PenaltyPolicy(penalties);
    this.loadColumns = "expert_load(p.expert_id) AS load,"
        + " (SELECT count(*) FROM ratings r WHERE r.ratee_id = p.expert_id) AS rating_count,"
        + " (SELECT coalesce(sum(r.stars), 0) FROM ratings r WHERE r.ratee_id = p.expert_id) AS rating_sum,"
        + " (SELECT coalesce(sum(x.points), 0) FROM penalties x WHERE x.user_id = p.expert_id AND NOT x.waived"
        + " AND x.created_at > now() - interval '" + penalties.window().toDays() + " days') AS window_points,"
        + " (SELECT a.suspended_until > now() FROM accounts a WHERE a.id = p.expert_id) AS suspended,"
        // What AcceptanceRate counts: answered offers and those missed while present, in the window.
        + " (SELECT count(*) FROM offers o WHERE o.expert_id = p.expert_id AND o.state = 'accepted'"
        + "   AND o.created_at > now() - interval '" + penalties.window().toDays() + " days') AS offers_accepted,"
        + " (SELECT count(*) FROM offers o WHERE o.expert_id = p.expert_id"
        + "   AND (o.state IN ('accepted', 'declined') OR (o.state = 'timed_out' AND NOT o.expert_away))"
        + "   AND o.created_at > now() - interval '" + penalties.window().toDays() + " days') AS offers_counted";
  }


  /** A connection's record: {@code $1} its id, {@code $2} its user, {@code $3} its node. */
  private static final String RECORD_CONNECTION = "INSERT INTO connections (connection_id, user_id, node_id) VALUES ($1, $2, $3)";

  public Future<Void> registerConnection(UUID connectionId, UserId user, String nodeId) {
    return pool.preparedQuery(RECORD_CONNECTION)
        .execute(Tuple.of(connectionId, user.value(), nodeId))
        .mapEmpty();
  }

  /** Forgets a closed connection; true when its user has none left. */
  public Future<Boolean> unregisterConnection(UUID connectionId) {
    // The DELETE of the CTE is not seen by the statement's own snapshot of connections: the closed one is left out by hand.
    return pool.preparedQuery("WITH gone AS (DELETE FROM connections WHERE connection_id = $1 RETURNING user_id)"
            + " SELECT NOT EXISTS (SELECT 1 FROM connections c JOIN gone g ON g.user_id = c.user_id WHERE c.connection_id <> $1) AS last_one")
        .execute(Tuple.of(connectionId))
        .map(rows -> rows.iterator().next().getBoolean("last_one"));
  }

  /** Online with this offering; an expert coming (back) online counts as idle from now. */
  public Future<ExpertSnapshot> goOnline(UserId expert, Offering offering) {
    return pool.preparedQuery("INSERT INTO expert_presence AS p (expert_id, status, topics, modes, lat, lng, capacity)"
            + " VALUES ($1, 'online', $2, $3, $4, $5, $6)"
            + " ON CONFLICT (expert_id) DO UPDATE SET status = 'online', offline_reason = NULL, topics = excluded.topics,"
            + " modes = excluded.modes, lat = excluded.lat, lng = excluded.lng, capacity = excluded.capacity,"
            + " idle_since = CASE WHEN p.status = 'online' THEN p.idle_since ELSE now() END,"
            + " disconnected_at = NULL, updated_at = now()"
            + " RETURNING p.*, " + loadColumns + "")
        .execute(Tuple.tuple()
            .addUUID(expert.value())
            .addArrayOfString(offering.topics().stream().map(Topic::value).toArray(String[]::new))
            .addArrayOfString(offering.modes().stream().map(Mode::wireName).toArray(String[]::new))
            .addDouble(offering.location().map(GeoPoint::lat).orElse(null))
            .addDouble(offering.location().map(GeoPoint::lng).orElse(null))
            .addInteger(offering.capacity()))
        .map(rows -> snapshot(rows.iterator().next()));
  }

  /** Whether the expert is online now, and if offline why (the reason stored when they went offline; empty: they chose to, or never were online). */
  public record Standing(boolean online, Optional<String> offlineReason) {}

  public Future<Standing> standing(UserId expert) {
    return pool.preparedQuery("SELECT status, offline_reason FROM expert_presence WHERE expert_id = $1").execute(Tuple.of(expert.value()))
        .map(rows -> {
          if (rows.size() == 0) {
            return new Standing(false, Optional.empty());
          }
          Row row = rows.iterator().next();
          return new Standing("online".equals(row.getString("status")), Optional.ofNullable(row.getString("offline_reason")));
        });
  }

  /** True when the expert was online and now is not. */
  public Future<Boolean> goOffline(UserId expert, String reason) {
    return pool.preparedQuery("UPDATE expert_presence SET status = 'offline', offline_reason = $2, disconnected_at = NULL,"
            + " updated_at = now() WHERE expert_id = $1 AND status = 'online'")
        .execute(Tuple.of(expert.value(), reason))
        .map(rows -> rows.rowCount() > 0);
  }

  /** The expert's presence when they are online. */
  public Future<Optional<ExpertSnapshot>> online(UserId expert) {
    return pool.preparedQuery("SELECT p.*, " + loadColumns + " FROM expert_presence p WHERE p.expert_id = $1 AND p.status = 'online'")
        .execute(Tuple.of(expert.value()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(snapshot(rows.iterator().next())));
  }

  @Override
  public Future<List<ExpertSnapshot>> allOnline() {
    return pool.query("SELECT p.*, " + loadColumns + " FROM expert_presence p WHERE p.status = 'online'")
        .execute()
        .map(this::snapshots);
  }

  public Future<Long> countOnline() {
    return pool.query("SELECT count(*) AS online FROM expert_presence WHERE status = 'online'").execute()
        .map(rows -> rows.iterator().next().getLong("online"));
  }

  /** Starts the grace of online experts with no connection on any node and none running yet. */
  private static final String START_GRACE = "UPDATE expert_presence p SET disconnected_at = now() WHERE p.status = 'online'"
      + " AND p.disconnected_at IS NULL AND NOT EXISTS (SELECT 1 FROM connections c WHERE c.user_id = p.expert_id)";
  /** Ends the grace of online experts who have one running. */
  private static final String END_GRACE = "UPDATE expert_presence p SET disconnected_at = NULL WHERE p.status = 'online'"
      + " AND p.disconnected_at IS NOT NULL";

  /** Starts the reconnect grace of an online expert who has no connection left; the snapshot when it started. */
  public Future<Optional<ExpertSnapshot>> markDisconnected(UserId expert) {
    return pool.preparedQuery(START_GRACE + " AND p.expert_id = $1 RETURNING p.*, " + loadColumns)
        .execute(Tuple.of(expert.value()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(snapshot(rows.iterator().next())));
  }

  /**
   * Starts the reconnect grace of every online expert who has no connection on any node and no
   * grace running: those of a dead node whose connections were just forgotten, and those stranded
   * by a node that stopped between forgetting an expert's last connection and starting their grace
   * (a kill during shutdown). Without it they would stay online, and be offered requests, forever.
   */
  public Future<List<ExpertSnapshot>> markAllDisconnected() {
    return pool.query(START_GRACE + " RETURNING p.*, " + loadColumns)
        .execute()
        .map(this::snapshots);
  }

  /**
   * Ends the grace of every online expert who has a connection after all: the sweep that starts
   * graces ({@link #markAllDisconnected}) reads connections as they were when it began, so an
   * expert who came back while it ran can be marked away while connected, and nothing else would
   * set them back. Their snapshots, as when they were marked.
   */
  public Future<List<ExpertSnapshot>> markAllReconnected() {
    return pool.query(END_GRACE + " AND EXISTS (SELECT 1 FROM connections c WHERE c.user_id = p.expert_id) RETURNING p.*, " + loadColumns)
        .execute()
        .map(this::snapshots);
  }

  /**
   * An expert's new connection: recorded, and their grace ended if they were waiting to come back,
   * in one statement (one round trip per expert who connects, where a burst of them is bound by
   * the CPU each statement costs); the snapshot when a grace ended. A client's connection is only
   * recorded ({@link #registerConnection}).
   */
  public Future<Optional<ExpertSnapshot>> registerExpertConnection(UUID connectionId, UserId expert, String nodeId) {
    return pool.preparedQuery("WITH recorded AS (" + RECORD_CONNECTION + ") " + END_GRACE + " AND p.expert_id = $2 RETURNING p.*, " + loadColumns)
        .execute(Tuple.of(connectionId, expert.value(), nodeId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(snapshot(rows.iterator().next())));
  }

  /** Takes offline every expert whose grace has run out without a connection; returns who. */
  public Future<List<UserId>> expireDisconnected(Duration grace) {
    return pool.preparedQuery("UPDATE expert_presence p SET status = 'offline', offline_reason = 'disconnected', disconnected_at = NULL,"
            + " updated_at = now() WHERE p.status = 'online' AND p.disconnected_at <= now() - make_interval(secs => $1)"
            + " AND NOT EXISTS (SELECT 1 FROM connections c WHERE c.user_id = p.expert_id) RETURNING p.expert_id")
        .execute(Tuple.of((double) grace.toMillis() / 1000))
        .map(PresenceRepository::expertIds);
  }

  /**
   * Forgets the connections of nodes whose heartbeat stopped; returns the users who had them.
   * Never this node's own: they are open, whatever its heartbeat row says after a database outage.
   */
  public Future<List<UserId>> forgetConnectionsOfDeadNodes(Duration lease, String thisNode) {
    return pool.preparedQuery("DELETE FROM connections c WHERE c.node_id <> $2 AND NOT EXISTS (SELECT 1 FROM nodes n"
            + " WHERE n.node_id = c.node_id AND n.heartbeat_at > now() - make_interval(secs => $1)) RETURNING c.user_id AS expert_id")
        .execute(Tuple.of((double) lease.toMillis() / 1000, thisNode))
        .map(PresenceRepository::expertIds);
  }

  @Override
  public Future<Void> answered(SqlClient sql, List<UserId> experts) {
    UUID[] ids = experts.stream().map(UserId::value).toArray(UUID[]::new);
    return sql.preparedQuery("UPDATE expert_presence SET missed_in_a_row = 0, idle_since = now() WHERE expert_id = ANY($1)")
        .execute(Tuple.of(ids)).mapEmpty();
  }

  @Override
  public Future<Boolean> missed(SqlClient sql, UserId expert, int offlineAt) {
    return sql.preparedQuery("UPDATE expert_presence SET missed_in_a_row = missed_in_a_row + 1, idle_since = now() WHERE expert_id = $1"
            + " RETURNING missed_in_a_row")
        .execute(Tuple.of(expert.value()))
        .compose(rows -> rows.size() == 0 || rows.iterator().next().getInteger("missed_in_a_row") < offlineAt
            ? Future.succeededFuture(false)
            : sql.preparedQuery("UPDATE expert_presence SET status = 'offline', offline_reason = 'missed_offers', missed_in_a_row = 0,"
                    + " updated_at = now() WHERE expert_id = $1 AND status = 'online'")
                .execute(Tuple.of(expert.value())).map(r -> r.rowCount() > 0));
  }

  @Override
  public Future<Boolean> away(SqlClient sql, UserId expert) {
    return sql.preparedQuery("SELECT status <> 'online' OR disconnected_at IS NOT NULL AS away FROM expert_presence WHERE expert_id = $1")
        .execute(Tuple.of(expert.value()))
        .map(rows -> rows.size() == 0 || rows.iterator().next().getBoolean("away"));
  }

  /** The expert was suspended: offline (reason {@code suspended}) if online. */
  public static Future<Void> suspended(SqlClient sql, UserId expert) {
    return sql.preparedQuery("UPDATE expert_presence SET status = 'offline', offline_reason = 'suspended', updated_at = now()"
            + " WHERE expert_id = $1 AND status = 'online'")
        .execute(Tuple.of(expert.value())).mapEmpty();
  }

  private static List<UserId> expertIds(RowSet<Row> rows) {
    List<UserId> ids = new ArrayList<>();
    rows.forEach(row -> ids.add(new UserId(row.getUUID("expert_id"))));
    return ids;
  }

  private List<ExpertSnapshot> snapshots(RowSet<Row> rows) {
    List<ExpertSnapshot> snapshots = new ArrayList<>(rows.size());
    rows.forEach(row -> snapshots.add(snapshot(row)));
    return snapshots;
  }

  /** Available means connected and not suspended; rating, reliability and acceptance rank the expert. */
  ExpertSnapshot snapshot(Row row) {
    Set<Topic> topics = new LinkedHashSet<>();
    for (String t : row.getArrayOfStrings("topics")) {
      topics.add(new Topic(t));
    }
    Set<Mode> modes = EnumSet.noneOf(Mode.class);
    for (String m : row.getArrayOfStrings("modes")) {
      Mode.fromWire(m).ifPresent(modes::add);
    }
    return new ExpertSnapshot(
        new UserId(row.getUUID("expert_id")),
        topics,
        modes,
        GeoPoint.of(row.getDouble("lat"), row.getDouble("lng")),
        row.getInteger("capacity"),
        row.getOffsetDateTime("disconnected_at") == null && !Boolean.TRUE.equals(row.getBoolean("suspended")),
        row.getInteger("load"),
        row.getOffsetDateTime("idle_since").toInstant(),
        rating.of(row.getLong("rating_count"), row.getLong("rating_sum")),
        policy.reliability(row.getLong("window_points")),
        AcceptanceRate.ranked(row.getLong("offers_accepted"), row.getLong("offers_counted")));
  }
}
