package io.tandem.session;

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
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores chat messages, many per commit. Sessions are spread over a few write lanes (by session
 * id); in each lane, while one batch is being written, new messages queue up and go together in
 * the next one (one transaction, statements pipelined): an idle room pays one round trip, a
 * thousand busy rooms do not pay a thousand commits. A session always writes through the same lane
 * and a lane has one batch in flight, so one sender's messages get their seqs in the order they
 * were sent; lanes touch disjoint sessions, so they write in parallel without waiting on each
 * other's row locks.
 *
 * <p>Each message takes the next seq of its session ({@code sessions.last_seq}) in the statement
 * that inserts it, so seqs have no gaps; a {@code clientMsgId} the sender already used returns the
 * stored message instead of a new one.
 */
public final class MessageStore {
  private static final Logger log = LoggerFactory.getLogger(MessageStore.class);
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String APPEND = "WITH existing AS ("
      + "SELECT seq, sent_at FROM messages WHERE session_id = $1 AND sender_id = $2 AND client_msg_id = $3),"
      + " bumped AS (UPDATE sessions SET last_seq = last_seq + 1 WHERE id = $1 AND status IN ('waiting', 'active')"
      + " AND (client_id = $2 OR expert_id = $2) AND NOT EXISTS (SELECT 1 FROM existing) RETURNING last_seq),"
      + " inserted AS (INSERT INTO messages (session_id, seq, sender_id, text, client_msg_id)"
      + " SELECT $1, last_seq, $2, $4, $3 FROM bumped RETURNING seq, sent_at)"
      + " SELECT seq, sent_at, false AS duplicate FROM inserted UNION ALL SELECT seq, sent_at, true AS duplicate FROM existing";

  private final Pool pool;
  private final int maxBatch;
  private final Context context;
  private final List<Lane> lanes = new ArrayList<>();

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

  public MessageStore(Vertx vertx, Pool pool, int maxBatch, int writeLanes) {
    this.pool = pool;
    this.maxBatch = maxBatch;
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
    // Sessions' rows are locked in one order on every node, so two batches cannot deadlock.
    batch.sort(Comparator.comparing(p -> p.session().value()));
    pool.withTransaction(conn -> conn.preparedQuery(APPEND).executeBatch(batch.stream().map(Pending::tuple).toList()))
        .map(rows -> {
          RowSet<Row> result = rows;
          for (Pending pending : batch) {
            complete(pending, result);
            result = result.next();
          }
          return (Void) null;
        })
        .recover(e -> {
          // One bad statement (a racing duplicate clientMsgId) aborts the batch: write each on its own,
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
          complete(pending, rows);
          return (Void) null;
        })
        .recover(e -> {
          reply(pending, Future.failedFuture(e));
          return Future.succeededFuture();
        });
  }

  private void complete(Pending pending, RowSet<Row> rows) {
    if (rows.size() == 0) {
      reply(pending, Future.succeededFuture(Optional.empty()));
      return;
    }
    Row row = rows.iterator().next();
    ChatMessage message = new ChatMessage(pending.session(), row.getInteger("seq"), pending.sender(), pending.text(),
        row.getOffsetDateTime("sent_at").toInstant(), pending.clientMsgId());
    reply(pending, Future.succeededFuture(Optional.of(new Stored(message, row.getBoolean("duplicate")))));
  }

  private static void reply(Pending pending, Future<Optional<Stored>> result) {
    if (pending.caller() == null) {
      pending.promise().handle(result);
    } else {
      pending.caller().runOnContext(v -> pending.promise().handle(result));
    }
  }
}
