package io.tandem.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.UserId;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores chat messages, many per commit. Sessions are spread over a few write lanes (by session
 * id); in each lane, while one batch is being written, new messages queue up and go together in
 * the next one: one statement ({@link #APPEND_BATCH}), one round trip, one commit, however many
 * messages and sessions it holds. A session always writes through the same lane and a lane has one
 * batch in flight, so one sender's messages get their seqs in the order they were sent; lanes
 * touch disjoint sessions, so they write in parallel without waiting on each other's row locks.
 *
 * <p>Each message takes the next seq of its session ({@code sessions.last_seq}) in the statement
 * that inserts it, so seqs have no gaps; a {@code clientMsgId} the sender already used returns the
 * stored message instead of a new one.
 */
public final class MessageStore {
  private static final Logger log = LoggerFactory.getLogger(MessageStore.class);
  private static final String UNIQUE_VIOLATION = "23505";
  /** One message (the statement of a lone retry, and of the JMH comparison). */
  static final String APPEND = "WITH existing AS ("
      + "SELECT seq, sent_at FROM messages WHERE session_id = $1 AND sender_id = $2 AND client_msg_id = $3),"
      + " bumped AS (UPDATE sessions SET last_seq = last_seq + 1 WHERE id = $1 AND status IN ('waiting', 'active')"
      + " AND (client_id = $2 OR expert_id = $2) AND NOT EXISTS (SELECT 1 FROM existing) RETURNING last_seq),"
      + " inserted AS (INSERT INTO messages (session_id, seq, sender_id, text, client_msg_id)"
      + " SELECT $1, last_seq, $2, $4, $3 FROM bumped RETURNING seq, sent_at)"
      + " SELECT seq, sent_at, false AS duplicate FROM inserted UNION ALL SELECT seq, sent_at, true AS duplicate FROM existing";

  /**
   * A whole batch in one statement. {@code $1..$4} are the batch's session ids, sender ids,
   * clientMsgIds and texts, in arrival order. Per (session, sender, clientMsgId) only the first
   * occurrence counts; one already stored is returned as it is ({@code duplicate}). The new ones,
   * from participants of open sessions, are numbered within their session in arrival order, each
   * session's {@code last_seq} is raised once by its count (the rows locked in id order, so that
   * two batches, on two nodes, never wait on each other in opposite orders), and they are inserted
   * with {@code last_seq - count + n}: gapless. One row comes back per input that was stored or
   * found, by its 1-based place {@code idx}; none for a closed session or a sender not in it.
   */
  static final String APPEND_BATCH = "WITH input AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])"
      + "   WITH ORDINALITY AS i(session_id, sender_id, client_msg_id, text, idx)),"
      + " firsts AS (SELECT DISTINCT ON (session_id, sender_id, client_msg_id) session_id, sender_id, client_msg_id, text, idx"
      + "   FROM input ORDER BY session_id, sender_id, client_msg_id, idx),"
      + " existing AS (SELECT f.idx, m.seq, m.sent_at FROM firsts f JOIN messages m"
      + "   ON m.session_id = f.session_id AND m.sender_id = f.sender_id AND m.client_msg_id = f.client_msg_id),"
      + " fresh AS (SELECT f.session_id, f.sender_id, f.client_msg_id, f.text, f.idx,"
      + "   row_number() OVER (PARTITION BY f.session_id ORDER BY f.idx) AS n FROM firsts f"
      + "   JOIN sessions s ON s.id = f.session_id AND (s.client_id = f.sender_id OR s.expert_id = f.sender_id)"
      + "   WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.idx = f.idx)),"
      + " locked AS (SELECT s.id FROM sessions s WHERE s.id IN (SELECT session_id FROM fresh) ORDER BY s.id FOR NO KEY UPDATE),"
      + " bumped AS (UPDATE sessions s SET last_seq = s.last_seq + c.k"
      + "   FROM (SELECT session_id, count(*) AS k FROM fresh GROUP BY session_id) c, locked l"
      + "   WHERE s.id = c.session_id AND l.id = s.id AND s.status IN ('waiting', 'active') RETURNING s.id, s.last_seq - c.k AS base),"
      + " inserted AS (INSERT INTO messages (session_id, seq, sender_id, text, client_msg_id)"
      + "   SELECT f.session_id, b.base + f.n, f.sender_id, f.text, f.client_msg_id FROM fresh f JOIN bumped b ON b.id = f.session_id"
      + "   RETURNING session_id, sender_id, client_msg_id, seq, sent_at)"
      + " SELECT i.idx, coalesce(ins.seq, e.seq) AS seq, coalesce(ins.sent_at, e.sent_at) AS sent_at,"
      + "   ins.seq IS NULL OR i.idx <> f.idx AS duplicate"
      + " FROM input i JOIN firsts f ON f.session_id = i.session_id AND f.sender_id = i.sender_id AND f.client_msg_id = i.client_msg_id"
      + " LEFT JOIN existing e ON e.idx = f.idx"
      + " LEFT JOIN inserted ins ON ins.session_id = f.session_id AND ins.sender_id = f.sender_id AND ins.client_msg_id = f.client_msg_id"
      + " WHERE ins.seq IS NOT NULL OR e.seq IS NOT NULL";

  private final Pool pool;
  private final int maxBatch;
  private final Context context;
  private final List<Lane> lanes = new ArrayList<>();
  private final Counter stored;
  private final DistributionSummary batchSize;
  private final Timer commitTime;

  /** Messages of some sessions, waiting for their batch; at most one batch of a lane is in flight. */
  private static final class Lane {
    final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    final AtomicBoolean writing = new AtomicBoolean();
  }

  /** A stored message; {@code duplicate} when the clientMsgId was already stored (nothing new happened). */
  public record Stored(ChatMessage message, boolean duplicate) {}

  private record Pending(SessionId session, UserId sender, String clientMsgId, String text, Promise<Optional<Stored>> promise, Context caller) {
    Tuple tuple() {
      return Tuple.of(session.value(), sender.value(), clientMsgId, text);
    }
  }

  /**
   * {@code meters} receives {@code tandem.chat.messages.stored} (new messages, not resends),
   * {@code tandem.chat.batch.messages} (messages per batch) and {@code tandem.chat.batch.commit}
   * (a batch's statement, commit included): docs/operations.md, "Health and metrics".
   */
  public MessageStore(Vertx vertx, Pool pool, int maxBatch, int writeLanes, MeterRegistry meters) {
    this.pool = pool;
    this.maxBatch = maxBatch;
    this.stored = Counter.builder("tandem.chat.messages.stored").description("chat messages stored (resends of a stored clientMsgId not counted)")
        .register(meters);
    this.batchSize = DistributionSummary.builder("tandem.chat.batch.messages").description("messages per chat batch").register(meters);
    this.commitTime = Timer.builder("tandem.chat.batch.commit").description("one chat batch's statement, commit included")
        .publishPercentileHistogram().register(meters);
    this.context = vertx.getOrCreateContext();
    for (int i = 0; i < writeLanes; i++) {
      lanes.add(new Lane());
    }
  }

  /**
   * Stores a message from a participant of an open session. Completes (on the caller's context)
   * with the stored message, or empty when the session is over or the sender is not in it.
   */
  public Future<Optional<Stored>> append(SessionId session, UserId sender, String clientMsgId, String text) {
    Promise<Optional<Stored>> promise = Promise.promise();
    Lane lane = lanes.get(Math.floorMod(session.value().hashCode(), lanes.size()));
    lane.queue.add(new Pending(session, sender, clientMsgId, text, promise, Vertx.currentContext()));
    if (lane.writing.compareAndSet(false, true)) {
      context.runOnContext(v -> writeBatch(lane));
    }
    return promise.future();
  }

  private void writeBatch(Lane lane) {
    List<Pending> batch = new ArrayList<>();
    for (Pending p = lane.queue.poll(); p != null; p = batch.size() < maxBatch ? lane.queue.poll() : null) {
      batch.add(p);
    }
    if (batch.isEmpty()) {
      lane.writing.set(false);
      if (!lane.queue.isEmpty() && lane.writing.compareAndSet(false, true)) {
        writeBatch(lane); // a message slipped in between the poll and the flag
      }
      return;
    }
    // A lone message takes the simpler statement: the same round trip, less for PostgreSQL to do.
    batchSize.record(batch.size());
    long started = System.nanoTime();
    Future<RowSet<Row>> written = batch.size() == 1
        ? pool.preparedQuery(APPEND).execute(batch.get(0).tuple())
        : pool.preparedQuery(APPEND_BATCH).execute(arrays(batch));
    written
        .onSuccess(rows -> commitTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS))
        .map(rows -> {
          if (batch.size() == 1) {
            complete(batch.get(0), rows.size() == 0 ? null : rows.iterator().next());
            return (Void) null;
          }
          Row[] byPlace = new Row[batch.size()];
          for (Row row : rows) {
            byPlace[(int) row.getLong("idx").longValue() - 1] = row;
          }
          for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), byPlace[i]);
          }
          return (Void) null;
        })
        .recover(e -> {
          // A racing duplicate clientMsgId (the same message sent through another node at the same
          // moment) fails the statement: write each on its own,
          // one after the other, so that the order still holds; the next batch waits for them.
          log.debug("a batch of {} messages failed ({}); storing them one by one", batch.size(), e.getMessage());
          Future<Void> alone = Future.succeededFuture();
          for (Pending pending : batch) {
            alone = alone.compose(v -> writeAlone(pending));
          }
          return alone;
        })
        .onComplete(done -> writeBatch(lane));
  }

  private Future<Void> writeAlone(Pending pending) {
    return pool.preparedQuery(APPEND).execute(pending.tuple())
        .recover(e -> e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
            ? pool.preparedQuery(APPEND).execute(pending.tuple()) // the racing twin is stored now: this returns it
            : Future.failedFuture(e))
        .map(rows -> {
          complete(pending, rows.size() == 0 ? null : rows.iterator().next());
          return (Void) null;
        })
        .recover(e -> {
          reply(pending, Future.failedFuture(e));
          return Future.succeededFuture();
        });
  }

  /** The batch as the arrays of {@link #APPEND_BATCH}. */
  private static Tuple arrays(List<Pending> batch) {
    int n = batch.size();
    UUID[] sessions = new UUID[n];
    UUID[] senders = new UUID[n];
    String[] clientMsgIds = new String[n];
    String[] texts = new String[n];
    for (int i = 0; i < n; i++) {
      Pending p = batch.get(i);
      sessions[i] = p.session().value();
      senders[i] = p.sender().value();
      clientMsgIds[i] = p.clientMsgId();
      texts[i] = p.text();
    }
    return Tuple.of(sessions, senders, clientMsgIds, texts);
  }

  /** {@code row}: what the statement answered for this message; null when nothing was stored (session over, not a participant). */
  private void complete(Pending pending, Row row) {
    if (row == null) {
      reply(pending, Future.succeededFuture(Optional.empty()));
      return;
    }
    ChatMessage message = new ChatMessage(pending.session(), row.getInteger("seq"), pending.sender(), pending.text(),
        row.getOffsetDateTime("sent_at").toInstant(), pending.clientMsgId());
    boolean duplicate = row.getBoolean("duplicate");
    if (!duplicate) {
      stored.increment();
    }
    reply(pending, Future.succeededFuture(Optional.of(new Stored(message, duplicate))));
  }

  private static void reply(Pending pending, Future<Optional<Stored>> result) {
    if (pending.caller() == null) {
      pending.promise().handle(result);
    } else {
      pending.caller().runOnContext(v -> pending.promise().handle(result));
    }
  }
}
