package io.tandem.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tandem.bus.EventLoop;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores chat messages, many per commit. Sessions are spread over write lanes (by session id;
 * one by default, which groups the most per commit); in each lane, while one batch is being
 * written, new messages queue up and go together in the next one: one statement
 * ({@link #APPEND_BATCH}), one round trip, one commit, however many messages and sessions it
 * holds, so a batch is as large as the load makes it. A session always writes through the same lane and a lane has one
 * batch in flight, so one sender's messages get their seqs in the order they were sent; lanes
 * touch disjoint sessions, so they write in parallel without waiting on each other's row locks.
 *
 * <p>Each message takes the next seq of its session (its counter row in {@code chat_seqs}, which
 * this class owns) in the statement that inserts it, so seqs have no gaps; a {@code clientMsgId}
 * the sender already used returns the stored message instead of a new one. A session's chat is
 * open while its counter row exists: {@link #openChat} makes it in the transaction that opens the
 * session, {@link #closeChat} removes it in the one that ends it.
 */
public final class MessageStore {
  private static final Logger log = LoggerFactory.getLogger(MessageStore.class);
  private static final String UNIQUE_VIOLATION = "23505";
  /**
   * One message (a lone message, a lone retry, and the JMH comparison): the session's counter row
   * raised by one and the message inserted under it, unless the sender already stored this
   * clientMsgId (then that message comes back, {@code duplicate}). Nothing when the session's chat
   * is closed (no counter row: {@link #closeChat}) or the sender is not one of its participants.
   */
  static final String APPEND = "WITH existing AS ("
      + "SELECT seq, sent_at FROM messages WHERE session_id = $1 AND sender_id = $2 AND client_msg_id = $3),"
      + " bumped AS (UPDATE chat_seqs q SET last_seq = q.last_seq + 1 FROM sessions s WHERE q.session_id = $1 AND s.id = $1"
      + " AND s.status IN ('waiting', 'active') AND (s.client_id = $2 OR s.expert_id = $2) AND NOT EXISTS (SELECT 1 FROM existing)"
      + " RETURNING q.last_seq),"
      + " inserted AS (INSERT INTO messages (session_id, seq, sender_id, text, client_msg_id)"
      + " SELECT $1, last_seq, $2, $4, $3 FROM bumped RETURNING seq, sent_at)"
      + " SELECT seq, sent_at, false AS duplicate FROM inserted UNION ALL SELECT seq, sent_at, true AS duplicate FROM existing";

  /**
   * A whole batch in one statement. {@code $1..$4} are the batch's session ids, sender ids,
   * clientMsgIds and texts, in arrival order, each (session, sender, clientMsgId) at most once (the
   * caller answers a twin within the batch itself). One already stored is returned as it is
   * ({@code duplicate}). The new ones, from participants, are gathered per session in arrival
   * order; each session's counter row ({@code chat_seqs}) is locked in session order (so that two
   * batches, on two nodes, never wait on each other in opposite orders), raised once by its count,
   * and its messages inserted as {@code last_seq - count + n}: gapless. A session whose chat is
   * closed has no counter row (an ending that raced the batch removed it, and the lock, waiting for
   * that ending, finds nothing), so nothing of it is stored. One row comes back per input that
   * was stored or found, by its 1-based place {@code idx}; none for a closed session or a sender
   * not in it.
   *
   * <p>The session's own row is only read, for its participants and its status (as of the
   * statement's start: the counter row is what settles a race with the ending), neither locked nor
   * rewritten, so joins never wait for a chat batch (an ending waits for the one holding its
   * counter), and a message costs PostgreSQL the narrow counter's lock and update instead of the
   * wide session row's (docs/benchmarks.md has both).
   *
   * <p>Its cost grows with the batch, never with its square: each message meets the tables
   * through an index once ({@code messages} for its clientMsgId, {@code sessions} for its
   * participants); a session's messages travel as arrays from the grouping to the insert instead
   * of being joined back (PostgreSQL's estimate for an unnested parameter is a guess, and a join
   * planned on a guess of ten rows walked every pair of 500); the lock's subquery is fenced with
   * {@code OFFSET 0} so that it stays a probe of the counter's key per session, taken in the
   * grouping's order. The look for a stored clientMsgId is a {@code LIMIT 1} subquery per
   * message, so that it is always a probe of the unique index: as a join, the plan PostgreSQL
   * keeps for this statement, when made while {@code messages} was new and never analysed,
   * scanned the whole table for every batch (a fresh database's first minute, until autovacuum's
   * first ANALYZE: docs/benchmarks.md).
   */
  static final String APPEND_BATCH = "WITH checked AS MATERIALIZED (SELECT i.*, m.seq AS stored_seq, m.sent_at AS stored_at"
      + "   FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) WITH ORDINALITY AS i(session_id, sender_id, client_msg_id, text, idx)"
      + "   LEFT JOIN LATERAL (SELECT m.seq, m.sent_at FROM messages m"
      + "     WHERE m.session_id = i.session_id AND m.sender_id = i.sender_id AND m.client_msg_id = i.client_msg_id LIMIT 1) m ON true),"
      + " grouped AS (SELECT c.session_id, array_agg(c.idx ORDER BY c.idx) AS idxs, array_agg(c.sender_id ORDER BY c.idx) AS senders,"
      + "     array_agg(c.client_msg_id ORDER BY c.idx) AS client_msg_ids, array_agg(c.text ORDER BY c.idx) AS texts"
      + "   FROM checked c JOIN sessions s ON s.id = c.session_id AND s.status IN ('waiting', 'active')"
      + "     AND (s.client_id = c.sender_id OR s.expert_id = c.sender_id)"
      + "   WHERE c.stored_seq IS NULL GROUP BY c.session_id ORDER BY c.session_id),"
      + " locked AS (SELECT g.* FROM grouped g,"
      + "   LATERAL (SELECT 1 FROM chat_seqs q WHERE q.session_id = g.session_id OFFSET 0 FOR NO KEY UPDATE) open),"
      + " bumped AS (UPDATE chat_seqs q SET last_seq = q.last_seq + cardinality(l.idxs) FROM locked l WHERE q.session_id = l.session_id"
      + "   RETURNING q.session_id AS id, q.last_seq - cardinality(l.idxs) AS base, l.idxs, l.senders, l.client_msg_ids, l.texts),"
      + " numbered AS (SELECT b.id AS session_id, u.idx, b.base + u.n AS seq, u.sender_id, u.client_msg_id, u.text"
      + "   FROM bumped b, unnest(b.idxs, b.senders, b.client_msg_ids, b.texts) WITH ORDINALITY AS u(idx, sender_id, client_msg_id, text, n)),"
      + " inserted AS (INSERT INTO messages (session_id, seq, sender_id, text, client_msg_id)"
      + "   SELECT session_id, seq, sender_id, text, client_msg_id FROM numbered)"
      + " SELECT idx, seq, now() AS sent_at, false AS duplicate FROM numbered"
      + " UNION ALL SELECT idx, stored_seq, stored_at, true FROM checked WHERE stored_seq IS NOT NULL";

  private final Pool pool;
  private final int maxBatch;
  /** Where batches are written from. */
  private final EventLoop writer;
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

  private record Pending(SessionId session, UserId sender, String clientMsgId, String text, Promise<Optional<Stored>> promise, EventLoop caller) {
    Tuple tuple() {
      return Tuple.of(session.value(), sender.value(), clientMsgId, text);
    }

    /** What makes two sends the same message. */
    record Key(SessionId session, UserId sender, String clientMsgId) {}

    Key key() {
      return new Key(session, sender, clientMsgId);
    }
  }

  /** Opens a new session's chat, in the transaction that opens the session: its seq counter, at 0. */
  static Future<Void> openChat(SqlClient sql, SessionId session) {
    return sql.preparedQuery("INSERT INTO chat_seqs (session_id, last_seq) VALUES ($1, 0)").execute(Tuple.of(session.value())).mapEmpty();
  }

  /**
   * Closes an ending session's chat, in the transaction that ends it: its counter row goes, so no
   * message is stored after the end commits. A batch storing the session's messages holds the row
   * until it commits; this waits for it, and those messages are in the transcript before the end.
   *
   * <p>Lock order: an ending takes the counter row before any wallet (a participant's ending
   * closes the chat before it settles; a sweep holds all its sessions' counters first,
   * {@link #holdChats}). A batch holds counters while it waits for others and takes no wallet, so
   * an ending waiting for a batch never holds a wallet that another ending, waited for by that
   * batch, needs.
   */
  static Future<Void> closeChat(SqlClient sql, SessionId session) {
    return sql.preparedQuery("DELETE FROM chat_seqs WHERE session_id = $1").execute(Tuple.of(session.value())).mapEmpty();
  }

  /**
   * Locks the chat counters of sessions a sweep is about to end, in session order (as batches
   * lock them), before the sweep locks their participants' wallets: see {@link #closeChat}.
   */
  static Future<Void> holdChats(SqlClient sql, List<SessionId> sessions) {
    UUID[] ids = sessions.stream().map(SessionId::value).toArray(UUID[]::new);
    return sql.preparedQuery("SELECT session_id FROM chat_seqs WHERE session_id = ANY($1) ORDER BY session_id FOR UPDATE")
        .execute(Tuple.of(ids)).mapEmpty();
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
    this.writer = EventLoop.current(vertx);
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
    lane.queue.add(new Pending(session, sender, clientMsgId, text, promise, EventLoop.ofCaller()));
    if (lane.writing.compareAndSet(false, true)) {
      writer.later(() -> writeBatch(lane));
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
    batchSize.record(batch.size());
    long started = System.nanoTime();
    // A lone message takes the simpler statement: the same round trip, less for PostgreSQL to do.
    int[] firstOf = new int[batch.size()];
    List<Pending> distinct = firsts(batch, firstOf);
    Future<RowSet<Row>> written = distinct.size() == 1
        ? pool.preparedQuery(APPEND).execute(distinct.get(0).tuple())
        : pool.preparedQuery(APPEND_BATCH).execute(arrays(distinct));
    written
        .onSuccess(rows -> commitTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS))
        .map(rows -> {
          Row[] byPlace = new Row[distinct.size()];
          if (distinct.size() == 1) {
            byPlace[0] = rows.size() == 0 ? null : rows.iterator().next();
          } else {
            for (Row row : rows) {
              byPlace[(int) row.getLong("idx").longValue() - 1] = row;
            }
          }
          for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), byPlace[firstOf[i]], distinct.get(firstOf[i]) != batch.get(i));
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

  /**
   * The batch with each message once: a message sent twice (a resend racing its original) goes to
   * PostgreSQL once. {@code firstOf[i]} receives the place, in the answer, of the i-th message's first occurrence.
   */
  private static List<Pending> firsts(List<Pending> batch, int[] firstOf) {
    List<Pending> distinct = new ArrayList<>(batch.size());
    Map<Pending.Key, Integer> places = new HashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      Integer place = places.putIfAbsent(p.key(), distinct.size());
      if (place == null) {
        firstOf[i] = distinct.size();
        distinct.add(p);
      } else {
        firstOf[i] = place;
      }
    }
    return distinct;
  }

  private Future<Void> writeAlone(Pending pending) {
    return pool.preparedQuery(APPEND).execute(pending.tuple())
        .recover(e -> e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
            ? pool.preparedQuery(APPEND).execute(pending.tuple()) // the racing twin is stored now: this returns it
            : Future.failedFuture(e))
        .map(rows -> {
          complete(pending, rows.size() == 0 ? null : rows.iterator().next(), false);
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

  /**
   * {@code row}: what the statement answered for this message, or for its first occurrence in the
   * batch when {@code twin}; null when nothing was stored (session over, not a participant).
   */
  private void complete(Pending pending, Row row, boolean twin) {
    if (row == null) {
      reply(pending, Future.succeededFuture(Optional.empty()));
      return;
    }
    ChatMessage message = new ChatMessage(pending.session(), row.getInteger("seq"), pending.sender(), pending.text(),
        row.getOffsetDateTime("sent_at").toInstant(), pending.clientMsgId());
    boolean duplicate = twin || row.getBoolean("duplicate");
    if (!duplicate) {
      stored.increment();
    }
    reply(pending, Future.succeededFuture(Optional.of(new Stored(message, duplicate))));
  }

  private static void reply(Pending pending, Future<Optional<Stored>> result) {
    pending.caller().run(() -> pending.promise().handle(result));
  }
}
