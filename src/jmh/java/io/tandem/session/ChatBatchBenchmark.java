package io.tandem.session;

import io.tandem.BenchmarkDatabase;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
 * One chat batch against a real, durable embedded PostgreSQL (fsync and synchronous_commit on, as
 * the server runs it): {@code unnest} is the statement the server uses ({@link MessageStore#APPEND_BATCH},
 * one round trip), {@code pipelined} the one it replaced (BEGIN, one statement per message,
 * COMMIT). Messages go to random sessions among {@code sessions}; the score is batches per second
 * from one writer, commits included. See docs/benchmarks.md for the command.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class ChatBatchBenchmark {
  @Param({"1000"})
  public int sessions;

  @Param({"1", "50", "500"})
  public int batch;

  @Param({"unnest", "pipelined"})
  public String statement;

  private BenchmarkDatabase database;
  private Pool pool;
  private final List<UUID[]> participants = new ArrayList<>();
  private final Random random = new Random(7);
  private long counter;

  @Setup(Level.Trial)
  public void start() throws Exception {
    database = new BenchmarkDatabase();
    seed();
    pool = database.pool("bench-chat", 1);
  }

  /** {@code sessions} active sessions, each with its client and expert. */
  private void seed() throws Exception {
    try (Connection c = database.jdbc(); Statement s = c.createStatement()) {
      s.execute("CREATE TEMP TABLE seed AS SELECT i, gen_random_uuid() AS client, gen_random_uuid() AS expert,"
          + " gen_random_uuid() AS request, gen_random_uuid() AS offer, gen_random_uuid() AS session"
          + " FROM generate_series(1, " + sessions + ") i");
      s.execute("INSERT INTO accounts (id, username, password_hash, role, display_name)"
          + " SELECT client, 'c' || i, 'x', 'client', 'Client' FROM seed UNION ALL SELECT expert, 'e' || i, 'x', 'expert', 'Expert' FROM seed");
      s.execute("INSERT INTO requests (id, client_id, topic, shard, mode, lat, lng, status, expires_at)"
          + " SELECT request, client, 'career', 0, 'chat', 31.2, 121.4, 'matched', now() + interval '1 hour' FROM seed");
      s.execute("INSERT INTO offers (id, request_id, expert_id, state, distance_km, shard, shard_epoch, expires_at)"
          + " SELECT offer, request, expert, 'accepted', 1, 0, 1, now() FROM seed");
      s.execute("INSERT INTO sessions (id, request_id, offer_id, client_id, expert_id, topic, mode, status, join_deadline, started_at)"
          + " SELECT session, request, offer, client, expert, 'career', 'chat', 'active', now() + interval '1 hour', now() FROM seed");
      s.execute("INSERT INTO chat_seqs (session_id, last_seq) SELECT session, 0 FROM seed");
      s.execute("ANALYZE");
      try (ResultSet rows = s.executeQuery("SELECT session, client, expert FROM seed ORDER BY i")) {
        while (rows.next()) {
          participants.add(new UUID[] {(UUID) rows.getObject(1), (UUID) rows.getObject(2), (UUID) rows.getObject(3)});
        }
      }
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    pool.close().toCompletionStage().toCompletableFuture().get();
    database.close();
  }

  /** One batch written and committed; the score is batches per second (times {@code batch} for messages). */
  @Benchmark
  public Object writeBatch() throws Exception {
    UUID[] sessionIds = new UUID[batch];
    UUID[] senders = new UUID[batch];
    String[] clientMsgIds = new String[batch];
    String[] texts = new String[batch];
    for (int i = 0; i < batch; i++) {
      UUID[] p = participants.get(random.nextInt(participants.size()));
      sessionIds[i] = p[0];
      senders[i] = p[1 + random.nextInt(2)];
      clientMsgIds[i] = "m" + counter++;
      texts[i] = "How should I prepare for the system design round?";
    }
    Future<?> written;
    if ("unnest".equals(statement)) {
      written = pool.preparedQuery(MessageStore.APPEND_BATCH).execute(Tuple.of(sessionIds, senders, clientMsgIds, texts));
    } else {
      List<Tuple> tuples = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        tuples.add(Tuple.of(sessionIds[i], senders[i], clientMsgIds[i], texts[i]));
      }
      // As before: the rows of a batch locked in session order.
      tuples.sort(java.util.Comparator.comparing(t -> t.getUUID(0)));
      written = pool.withTransaction(conn -> conn.preparedQuery(MessageStore.APPEND).executeBatch(tuples));
    }
    return written.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
