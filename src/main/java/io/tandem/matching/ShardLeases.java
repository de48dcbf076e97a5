package io.tandem.matching;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Node heartbeats and shard leases in PostgreSQL. A shard has one owner at a time: a lease is
 * taken only once expired, and each new owner gets a higher epoch, which fences off a stale owner's
 * writes (see {@link OfferRepository#makeOffers} and migration V8).
 *
 * <p>Lock modes, so that load cannot starve a lease: an offer locks its shard's lease row
 * {@code FOR KEY SHARE}; a renewal updates only {@code expires_at}, which takes
 * {@code FOR NO KEY UPDATE}, and the two do not conflict, so a renewal never waits behind offers in
 * flight (nor offers behind a renewal). A takeover locks the row {@code FOR UPDATE}, which
 * conflicts with both: it waits until the old owner's offers in flight have committed, and an
 * offer that comes after it sees the new epoch. Leases have their own pool (see TandemNode), so
 * renewals never wait for a connection either.
 */
public final class ShardLeases {
  private final Pool pool;
  private final String nodeId;
  private final double leaseSeconds;

  public ShardLeases(Pool pool, String nodeId, Duration lease) {
    this.pool = pool;
    this.nodeId = nodeId;
    this.leaseSeconds = lease.toMillis() / 1000.0;
  }

  public String nodeId() {
    return nodeId;
  }

  public Future<Void> heartbeat() {
    return pool.preparedQuery("INSERT INTO nodes (node_id) VALUES ($1) ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = now()")
        .execute(Tuple.of(nodeId))
        .mapEmpty();
  }

  /** Nodes whose heartbeat is younger than a lease, this one included. */
  public Future<Integer> liveNodes() {
    return pool.preparedQuery("SELECT count(*) AS live FROM nodes WHERE heartbeat_at > now() - make_interval(secs => $1)")
        .execute(Tuple.of(leaseSeconds))
        .map(rows -> Math.max(1, rows.iterator().next().getLong("live").intValue()));
  }

  /** Extends the leases this node still holds; the answer maps each kept shard to its epoch. */
  public Future<Map<Integer, Long>> renew(List<Integer> shards) {
    return pool.preparedQuery("UPDATE shard_leases SET expires_at = now() + make_interval(secs => $1)"
            + " WHERE owner_node = $2 AND shard = ANY($3) RETURNING shard, epoch")
        .execute(Tuple.of(leaseSeconds, nodeId, shards.toArray(Integer[]::new)))
        .map(rows -> {
          Map<Integer, Long> kept = new HashMap<>();
          for (Row row : rows) {
            kept.put(row.getInteger("shard"), row.getLong("epoch"));
          }
          return kept;
        });
  }

  /** Shards out of {@code 0..count-1} that nobody holds now. */
  public Future<List<Integer>> vacant(int count) {
    return pool.preparedQuery("SELECT s AS shard FROM generate_series(0, $1 - 1) s LEFT JOIN shard_leases l ON l.shard = s"
            + " WHERE l.shard IS NULL OR l.expires_at <= now() ORDER BY s")
        .execute(Tuple.of(count))
        .map(rows -> {
          List<Integer> vacant = new ArrayList<>();
          rows.forEach(row -> vacant.add(row.getInteger("shard")));
          return vacant;
        });
  }

  /**
   * Takes a vacant shard; the new epoch, or null when another node was faster (or the owner renewed
   * meanwhile). A shard never held is inserted; a lapsed lease is locked {@code FOR UPDATE} before it
   * changes hands (see the class comment), since an upsert would only lock it {@code FOR NO KEY UPDATE}.
   */
  public Future<Long> acquire(int shard) {
    return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO shard_leases (shard, owner_node, epoch, expires_at)"
            + " VALUES ($1, $2, 1, now() + make_interval(secs => $3)) ON CONFLICT (shard) DO NOTHING RETURNING epoch")
        .execute(Tuple.of(shard, nodeId, leaseSeconds))
        .compose(inserted -> inserted.size() > 0
            ? Future.succeededFuture(inserted.iterator().next().getLong("epoch"))
            : conn.preparedQuery("SELECT 1 FROM shard_leases WHERE shard = $1 AND expires_at <= now() FOR UPDATE")
                .execute(Tuple.of(shard))
                .compose(lapsed -> lapsed.size() == 0
                    ? Future.succeededFuture((Long) null)
                    : conn.preparedQuery("UPDATE shard_leases SET owner_node = $2, epoch = epoch + 1,"
                            + " expires_at = now() + make_interval(secs => $3) WHERE shard = $1 AND expires_at <= now() RETURNING epoch")
                        .execute(Tuple.of(shard, nodeId, leaseSeconds))
                        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong("epoch")))));
  }

  /** Gives a shard up at once (rebalancing, shutdown), so another node can take it without waiting. */
  public Future<Void> release(int shard) {
    return pool.preparedQuery("UPDATE shard_leases SET expires_at = now() WHERE shard = $1 AND owner_node = $2")
        .execute(Tuple.of(shard, nodeId))
        .mapEmpty();
  }

  public Future<Void> leave() {
    return pool.preparedQuery("DELETE FROM nodes WHERE node_id = $1").execute(Tuple.of(nodeId)).mapEmpty();
  }
}
