package io.tandem.session;

import io.tandem.auth.UserId;
import io.tandem.matching.Mode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Sessions and their rooms in PostgreSQL. Joining, leaving, dropping out, ending and abandoning
 * are conditional updates on the session row, so they happen once whoever tries them.
 */
public final class SessionRepository {
  private static final String COLUMNS = "s.id, s.request_id, s.client_id, s.expert_id, s.mode, s.status, s.join_deadline,"
      + " s.started_at, s.ended_at, s.last_seq";
  /** Which role's columns a statement touches: {@code $2} is the participant. */
  private static final String ROLE = "CASE WHEN s.client_id = $2 THEN 'client' ELSE 'expert' END";

  private final Pool pool;

  public SessionRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Optional<SessionRecord>> find(SessionId id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM sessions s WHERE s.id = $1")
        .execute(Tuple.of(id.value()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(session(rows.iterator().next())));
  }

  /** What joining did: the session now, and whether the participant was coming back from a drop. */
  public record Joined(SessionRecord session, boolean reconnected, boolean started) {}

  /**
   * A participant joins: their first join is recorded, a pending drop or leave is cleared, and the
   * session turns active once both have joined. A session that is over can still be joined to read it.
   */
  public Future<Optional<Joined>> join(SessionId id, UserId participant) {
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT " + COLUMNS + ", " + ROLE + " AS role,"
                + " s.client_disconnected_at, s.expert_disconnected_at FROM sessions s"
                + " WHERE s.id = $1 AND (s.client_id = $2 OR s.expert_id = $2) FOR UPDATE")
            .execute(Tuple.of(id.value(), participant.value()))
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture(Optional.<Joined>empty());
              }
              Row row = rows.iterator().next();
              SessionRecord before = session(row);
              if (!before.open()) {
                return Future.succeededFuture(Optional.of(new Joined(before, false, false)));
              }
              boolean wasDropped = row.getOffsetDateTime(row.getString("role") + "_disconnected_at") != null;
              return conn.preparedQuery("UPDATE sessions s SET"
                      + " client_joined_at = CASE WHEN s.client_id = $2 THEN coalesce(s.client_joined_at, now()) ELSE s.client_joined_at END,"
                      + " expert_joined_at = CASE WHEN s.expert_id = $2 THEN coalesce(s.expert_joined_at, now()) ELSE s.expert_joined_at END,"
                      + " client_disconnected_at = CASE WHEN s.client_id = $2 THEN NULL ELSE s.client_disconnected_at END,"
                      + " expert_disconnected_at = CASE WHEN s.expert_id = $2 THEN NULL ELSE s.expert_disconnected_at END,"
                      + " client_left_at = CASE WHEN s.client_id = $2 THEN NULL ELSE s.client_left_at END,"
                      + " expert_left_at = CASE WHEN s.expert_id = $2 THEN NULL ELSE s.expert_left_at END"
                      + " WHERE s.id = $1 RETURNING s.client_joined_at IS NOT NULL AND s.expert_joined_at IS NOT NULL AS both")
                  .execute(Tuple.of(id.value(), participant.value()))
                  .compose(updated -> {
                    boolean both = updated.iterator().next().getBoolean("both");
                    if (!both || !SessionRecord.WAITING.equals(before.status())) {
                      return Future.succeededFuture(Optional.of(new Joined(before, wasDropped, false)));
                    }
                    return conn.preparedQuery("UPDATE sessions s SET status = 'active', started_at = now() WHERE s.id = $1"
                            + " AND s.status = 'waiting' RETURNING " + COLUMNS)
                        .execute(Tuple.of(id.value()))
                        .map(active -> Optional.of(new Joined(session(active.iterator().next()), wasDropped, true)));
                  });
            }));
  }

  /** {@code room.leave}: the participant stepped out on purpose; the session goes on without a drop penalty. */
  public Future<Void> leave(SessionId id, UserId participant) {
    return pool.preparedQuery("UPDATE sessions s SET"
            + " client_left_at = CASE WHEN s.client_id = $2 THEN now() ELSE s.client_left_at END,"
            + " expert_left_at = CASE WHEN s.expert_id = $2 THEN now() ELSE s.expert_left_at END"
            + " WHERE s.id = $1 AND (s.client_id = $2 OR s.expert_id = $2) AND s.status IN ('waiting', 'active')")
        .execute(Tuple.of(id.value(), participant.value()))
        .mapEmpty();
  }

  /**
   * The participant has no connection left: their reconnect grace starts, unless they left the room
   * on purpose or are already counted as dropped. The session is returned when the drop was recorded.
   */
  public Future<Optional<SessionRecord>> dropped(SessionId id, UserId participant) {
    return pool.preparedQuery("UPDATE sessions s SET"
            + " client_disconnected_at = CASE WHEN s.client_id = $2 THEN now() ELSE s.client_disconnected_at END,"
            + " expert_disconnected_at = CASE WHEN s.expert_id = $2 THEN now() ELSE s.expert_disconnected_at END"
            + " WHERE s.id = $1 AND s.status IN ('waiting', 'active') AND NOT EXISTS (SELECT 1 FROM connections c WHERE c.user_id = $2)"
            + " AND ((s.client_id = $2 AND s.client_joined_at IS NOT NULL AND s.client_disconnected_at IS NULL AND s.client_left_at IS NULL)"
            + "   OR (s.expert_id = $2 AND s.expert_joined_at IS NOT NULL AND s.expert_disconnected_at IS NULL AND s.expert_left_at IS NULL))"
            + " RETURNING " + COLUMNS)
        .execute(Tuple.of(id.value(), participant.value()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(session(rows.iterator().next())));
  }

  /** Sweeper: joined participants with no connection anywhere (their node died) start their grace. */
  public Future<List<Dropout>> droppedWithoutNotice() {
    return pool.query("WITH c AS (UPDATE sessions s SET client_disconnected_at = now() WHERE s.status IN ('waiting', 'active')"
            + " AND s.client_joined_at IS NOT NULL AND s.client_disconnected_at IS NULL AND s.client_left_at IS NULL"
            + " AND NOT EXISTS (SELECT 1 FROM connections x WHERE x.user_id = s.client_id) RETURNING s.id, s.client_id AS who, s.expert_id AS peer),"
            + " e AS (UPDATE sessions s SET expert_disconnected_at = now() WHERE s.status IN ('waiting', 'active')"
            + " AND s.expert_joined_at IS NOT NULL AND s.expert_disconnected_at IS NULL AND s.expert_left_at IS NULL"
            + " AND NOT EXISTS (SELECT 1 FROM connections x WHERE x.user_id = s.expert_id) RETURNING s.id, s.expert_id AS who, s.client_id AS peer)"
            + " SELECT * FROM c UNION ALL SELECT * FROM e")
        .execute()
        .map(SessionRepository::dropouts);
  }

  public record Dropout(SessionId session, UserId who, UserId peer) {}

  /** What ending a session did: the session afterwards, and whether this call ended it. */
  public record Ended(SessionRecord session, boolean now) {}

  /** {@code session.end}: an active session completes; one that is over stays as it is. */
  public Future<Optional<Ended>> end(SessionId id, UserId participant) {
    return pool.preparedQuery("UPDATE sessions s SET status = 'completed', ended_at = now(), ended_by = $2"
            + " WHERE s.id = $1 AND (s.client_id = $2 OR s.expert_id = $2) AND s.status = 'active' RETURNING " + COLUMNS)
        .execute(Tuple.of(id.value(), participant.value()))
        .compose(rows -> rows.size() > 0
            ? Future.succeededFuture(Optional.of(new Ended(session(rows.iterator().next()), true)))
            : find(id).map(found -> found.filter(s -> s.hasParticipant(participant)).map(s -> new Ended(s, false))));
  }

  /** Sessions whose dropped participant did not come back within {@code grace}: abandoned by that side. */
  public Future<List<Abandonment>> abandonOverdue(Duration grace) {
    return pool.preparedQuery("UPDATE sessions s SET status = 'abandoned', ended_at = now(),"
            + " ended_by = CASE WHEN s.client_disconnected_at <= now() - make_interval(secs => $1) THEN s.client_id ELSE s.expert_id END"
            + " WHERE s.status IN ('waiting', 'active') AND (s.client_disconnected_at <= now() - make_interval(secs => $1)"
            + " OR s.expert_disconnected_at <= now() - make_interval(secs => $1)) RETURNING " + COLUMNS + ", s.ended_by")
        .execute(Tuple.of(grace.toMillis() / 1000.0))
        .map(rows -> {
          List<Abandonment> abandoned = new ArrayList<>();
          rows.forEach(row -> abandoned.add(new Abandonment(session(row), new UserId(row.getUUID("ended_by")))));
          return abandoned;
        });
  }

  public record Abandonment(SessionRecord session, UserId by) {}

  /** Messages after {@code afterSeq}, in order, at most {@code limit}. */
  public Future<List<ChatMessage>> messages(SessionId id, int afterSeq, int limit) {
    return pool.preparedQuery("SELECT seq, sender_id, text, sent_at, client_msg_id FROM messages WHERE session_id = $1 AND seq > $2"
            + " ORDER BY seq LIMIT $3")
        .execute(Tuple.of(id.value(), afterSeq, limit))
        .map(rows -> {
          List<ChatMessage> messages = new ArrayList<>(rows.size());
          rows.forEach(row -> messages.add(new ChatMessage(id, row.getInteger("seq"), new UserId(row.getUUID("sender_id")),
              row.getString("text"), row.getOffsetDateTime("sent_at").toInstant(), row.getString("client_msg_id"))));
          return messages;
        });
  }

  /** Which of these users hold a connection anywhere in the cluster. */
  public Future<Set<UserId>> connected(List<UserId> users) {
    return pool.preparedQuery("SELECT DISTINCT user_id FROM connections WHERE user_id = ANY($1)")
        .execute(Tuple.of(users.stream().map(UserId::value).toArray(UUID[]::new)))
        .map(rows -> {
          Set<UserId> online = new HashSet<>();
          rows.forEach(row -> online.add(new UserId(row.getUUID("user_id"))));
          return online;
        });
  }

  private static List<Dropout> dropouts(RowSet<Row> rows) {
    List<Dropout> dropouts = new ArrayList<>();
    rows.forEach(row -> dropouts.add(new Dropout(new SessionId(row.getUUID("id")), new UserId(row.getUUID("who")), new UserId(row.getUUID("peer")))));
    return dropouts;
  }

  static SessionRecord session(Row row) {
    return new SessionRecord(
        new SessionId(row.getUUID("id")),
        row.getUUID("request_id"),
        new UserId(row.getUUID("client_id")),
        new UserId(row.getUUID("expert_id")),
        Mode.fromWire(row.getString("mode")).orElseThrow(),
        row.getString("status"),
        instant(row.getOffsetDateTime("join_deadline")),
        instant(row.getOffsetDateTime("started_at")),
        instant(row.getOffsetDateTime("ended_at")),
        row.getInteger("last_seq"));
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
