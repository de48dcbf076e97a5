package io.tandem.matching;

import io.tandem.BenchmarkDatabase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One shard's batch of offers written by {@code make_offers} (migration V8), the server's one round
 * trip per batch, against a real, durable embedded PostgreSQL: {@code batch} queued requests offered
 * to {@code batch} different experts, with every guard (lease, presence locks, load counted,
 * conditional request update). The score is batches per second (times {@code batch} for offers).
 * See docs/benchmarks.md for the command.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class OfferBatchBenchmark {
  private static final int EXPERTS = 5000;
  private static final String NODE = "bench";

  @Param({"1", "20"})
  public int batch;

  private BenchmarkDatabase database;
  private Pool pool;
  private final List<UUID> experts = new ArrayList<>();
  private final ArrayDeque<UUID> queued = new ArrayDeque<>();
  private int nextExpert;

  @Setup(Level.Trial)
  public void start() throws Exception {
    database = new BenchmarkDatabase();
    try (Connection c = database.jdbc(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO shard_leases (shard, owner_node, epoch, expires_at) VALUES (0, '" + NODE + "', 1, now() + interval '1 day')");
      s.execute("INSERT INTO accounts (id, username, password_hash, role, display_name)"
          + " SELECT gen_random_uuid(), 'e' || i, 'x', 'expert', 'Expert' FROM generate_series(1, " + EXPERTS + ") i");
      s.execute("INSERT INTO expert_presence (expert_id, status, topics, modes, lat, lng, capacity)"
          + " SELECT id, 'online', '{career}', '{chat}', 31.2, 121.4, 10 FROM accounts WHERE role = 'expert'");
      s.execute("INSERT INTO accounts (id, username, password_hash, role, display_name) VALUES (gen_random_uuid(), 'client', 'x', 'client', 'Sam')");
      try (ResultSet rows = s.executeQuery("SELECT id FROM accounts WHERE role = 'expert' ORDER BY id")) {
        while (rows.next()) {
          experts.add((UUID) rows.getObject(1));
        }
      }
    }
    pool = database.pool("bench-offers", 1);
  }

  /** Fresh queued requests for the iteration, and every expert free again. */
  @Setup(Level.Iteration)
  public void refill() throws Exception {
    queued.clear();
    try (Connection c = database.jdbc(); Statement s = c.createStatement()) {
      s.execute("UPDATE offers SET state = 'revoked', resolved_at = now() WHERE state = 'pending'");
      s.execute("UPDATE requests SET status = 'cancelled' WHERE status IN ('queued', 'offered')");
      s.execute("INSERT INTO requests (id, client_id, topic, shard, mode, lat, lng, status, expires_at)"
          + " SELECT gen_random_uuid(), (SELECT id FROM accounts WHERE username = 'client'), 'career', 0, 'chat', 31.2, 121.4, 'queued',"
          + " now() + interval '1 hour' FROM generate_series(1, 40000)");
      s.execute("ANALYZE");
      try (ResultSet rows = s.executeQuery("SELECT id FROM requests WHERE status = 'queued'")) {
        while (rows.next()) {
          queued.add((UUID) rows.getObject(1));
        }
      }
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    pool.close().toCompletionStage().toCompletableFuture().get();
    database.close();
  }

  /** One batch written and committed; the score is batches per second. */
  @Benchmark
  public int writeBatch() throws Exception {
    UUID[] requests = new UUID[batch];
    UUID[] offeredTo = new UUID[batch];
    Double[] distances = new Double[batch];
    UUID[] offers = new UUID[batch];
    for (int i = 0; i < batch; i++) {
      requests[i] = queued.poll();
      offeredTo[i] = experts.get(nextExpert++ % EXPERTS);
      distances[i] = 1.0;
      offers[i] = UUID.randomUUID();
    }
    var rows = pool.preparedQuery("SELECT o_outcome FROM make_offers($1, $2, $3, $4, $5, $6, $7, $8)")
        .execute(Tuple.of(0, NODE, 1L, requests, offeredTo, distances, offers, 20.0))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    int made = 0;
    for (Row row : rows) {
      if ("made".equals(row.getString(0))) {
        made++;
      }
    }
    if (made != batch) {
      throw new IllegalStateException("only " + made + " of " + batch + " offers made");
    }
    return made;
  }
}
