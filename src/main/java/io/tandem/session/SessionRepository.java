package io.tandem.session;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.SessionStatus;
import io.tandem.kernel.UserId;
import io.tandem.matching.SessionOpening;
import io.tandem.reliability.Penalties;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sessions and their rooms in PostgreSQL. Joining, leaving, dropping out, ending and abandoning
 * are conditional updates on the session row, so they happen once whoever tries them.
 */
public final class SessionRepository {
  /** A session's last seq: its highest stored message's (the chat's counter, {@code chat_seqs}, is the writer's alone). */
  private static final String LAST_SEQ = "(SELECT coalesce(max(m.seq), 0) FROM messages m WHERE m.session_id = s.id) AS last_seq";
  static final String COLUMNS = "s.id, s.request_id, s.booking_id, s.client_id, s.expert_id, s.mode, s.status, s.join_deadline,"
      + " s.started_at, s.ended_at, " + LAST_SEQ + ", s.price, s.platform_fee";

  private final Pool pool;

  public SessionRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Optional<SessionRecord>> find(SessionId id) {
    return find(pool, id);
  }

  static Future<Optional<SessionRecord>> find(SqlClient sql, SessionId id) {
    return sql.preparedQuery("SELECT " + COLUMNS + " FROM sessions s WHERE s.id = $1").execute(Tuple.of(id.value()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(session(rows.iterator().next())));
  }

  /**
   * A join, one statement ({@link #JOIN}): the row is locked, the join recorded and the session
   * started if this was the second participant, all at once. {@code inPerson}: the participant
   * checked in at the meeting point (for an in-person session only that counts as being there;
   * entering the room does not). A late first arrival is recorded only when {@code mayBeLate};
   * otherwise it is left undone and reported late, for {@link Joins} to make again with its penalty.
   */
  Future<Optional<JoinRow>> join(SqlClient sql, SessionId id, UserId participant, boolean inPerson, boolean mayBeLate) {
    return sql.preparedQuery(JOIN).execute(Tuple.of(id.value(), participant.value(), inPerson, mayBeLate)).map(JoinRow::of);
  }

  /**
   * When both have joined, counting this join: a participant has joined when they did before or
   * this join is theirs and counts ({@code b.counts}). Read on the row before the change.
   */
  private static final String BOTH_JOINED = "((s.client_id = $2 AND b.counts) OR s.client_joined_at IS NOT NULL)"
      + " AND ((s.expert_id = $2 AND b.counts) OR s.expert_joined_at IS NOT NULL)";

  /**
   * A join, {@code $1} the session, {@code $2} the participant, {@code $3} in person, {@code $4}
   * whether a late first arrival may be recorded (else it is left undone and reported late).
   * {@code b} locks the row and reads it as it is before the change (FOR UPDATE waits for a
   * concurrent join and then sees its result, so of two participants joining at once the second
   * starts the session). {@code j} records the first join (when it counts: entering the room of an
   * in-person session does not), ends any drop or leave of theirs, clears the end warning, and
   * starts a waiting session once both have joined. A session that is over is only read. One row:
   * the session after the join (or as it was, when nothing changed), its status before, whether
   * the participant was coming back from a drop, and whether this is a late first arrival.
   */
  private static final String JOIN = "WITH b AS (SELECT " + COLUMNS + ", s.status AS status_before,"
      + " CASE WHEN s.client_id = $2 THEN s.client_disconnected_at ELSE s.expert_disconnected_at END IS NOT NULL AS was_dropped,"
      + " ($3 OR s.mode <> 'in_person') AND s.status = 'waiting' AND now() > s.join_deadline"
      + "   AND CASE WHEN s.client_id = $2 THEN s.client_joined_at ELSE s.expert_joined_at END IS NULL AS late,"
      + " $3 OR s.mode <> 'in_person' AS counts"
      + " FROM sessions s WHERE s.id = $1 AND (s.client_id = $2 OR s.expert_id = $2) FOR UPDATE),"
      + " j AS (UPDATE sessions s SET"
      + " client_joined_at = CASE WHEN s.client_id = $2 AND b.counts THEN coalesce(s.client_joined_at, now()) ELSE s.client_joined_at END,"
      + " expert_joined_at = CASE WHEN s.expert_id = $2 AND b.counts THEN coalesce(s.expert_joined_at, now()) ELSE s.expert_joined_at END,"
      + " client_disconnected_at = CASE WHEN s.client_id = $2 THEN NULL ELSE s.client_disconnected_at END,"
      + " expert_disconnected_at = CASE WHEN s.expert_id = $2 THEN NULL ELSE s.expert_disconnected_at END,"
      + " client_left_at = CASE WHEN s.client_id = $2 THEN NULL ELSE s.client_left_at END,"
      + " expert_left_at = CASE WHEN s.expert_id = $2 THEN NULL ELSE s.expert_left_at END,"
      + " end_warned_at = NULL,"
      + " status = CASE WHEN s.status = 'waiting' AND " + BOTH_JOINED + " THEN 'active' ELSE s.status END,"
      + " started_at = CASE WHEN s.status = 'waiting' AND " + BOTH_JOINED + " THEN now() ELSE s.started_at END"
      + " FROM b WHERE s.id = b.id AND b.status_before IN ('waiting', 'active') AND (NOT b.late OR $4)"
      + " RETURNING " + COLUMNS + ", b.status_before, b.was_dropped, b.late, b.counts)"
      + " SELECT * FROM j UNION ALL SELECT * FROM b WHERE NOT EXISTS (SELECT 1 FROM j)";

  /** The row {@link #JOIN} answers; {@code late}: a late first arrival (recorded only when the statement was told it may be). */
  record JoinRow(SessionRecord session, SessionStatus before, boolean wasDropped, boolean late) {
    static Optional<JoinRow> of(RowSet<Row> rows) {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      return Optional.of(new JoinRow(SessionRepository.session(row), SessionStatus.stored(row.getString("status_before")), row.getBoolean("was_dropped"),
          row.getBoolean("late")));
    }

    Joins.Joined joined() {
      return joined(Optional.empty());
    }

    Joins.Joined joined(Optional<Penalties.Recorded> late) {
      if (!before.open()) {
        return new Joins.Joined(session, false, false, Optional.empty());
      }
      return new Joins.Joined(session, wasDropped, before == SessionStatus.WAITING && session.status() == SessionStatus.ACTIVE, late);
    }
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
   * on purpose or are already counted as dropped. Only an active online session can be abandoned:
   * one still waiting ends through its join window (no-show rules), and an in-person meeting does
   * not depend on anyone's app staying open. The session is returned when the drop was recorded.
   */
  public Future<Optional<SessionRecord>> dropped(SessionId id, UserId participant) {
    return pool.preparedQuery("UPDATE sessions s SET"
            + " client_disconnected_at = CASE WHEN s.client_id = $2 THEN now() ELSE s.client_disconnected_at END,"
            + " expert_disconnected_at = CASE WHEN s.expert_id = $2 THEN now() ELSE s.expert_disconnected_at END"
            + " WHERE s.id = $1 AND s.status = 'active' AND s.mode <> 'in_person' AND NOT EXISTS (SELECT 1 FROM connections c WHERE c.user_id = $2)"
            + " AND ((s.client_id = $2 AND s.client_joined_at IS NOT NULL AND s.client_disconnected_at IS NULL AND s.client_left_at IS NULL)"
            + "   OR (s.expert_id = $2 AND s.expert_joined_at IS NOT NULL AND s.expert_disconnected_at IS NULL AND s.expert_left_at IS NULL))"
            + " RETURNING " + COLUMNS)
        .execute(Tuple.of(id.value(), participant.value()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(session(rows.iterator().next())));
  }

  /**
   * Sweeper: joined participants with no connection anywhere (their node died) start their grace.
   * One statement for both sides, so that a session whose two participants both lost their node
   * records both drops at once.
   */
  public Future<List<Dropout>> droppedWithoutNotice() {
    return pool.query("WITH gone AS (SELECT s.id,"
            + " s.client_joined_at IS NOT NULL AND s.client_disconnected_at IS NULL AND s.client_left_at IS NULL"
            + "   AND NOT EXISTS (SELECT 1 FROM connections x WHERE x.user_id = s.client_id) AS client_gone,"
            + " s.expert_joined_at IS NOT NULL AND s.expert_disconnected_at IS NULL AND s.expert_left_at IS NULL"
            + "   AND NOT EXISTS (SELECT 1 FROM connections x WHERE x.user_id = s.expert_id) AS expert_gone"
            + " FROM sessions s WHERE s.status = 'active' AND s.mode <> 'in_person'),"
            + " marked AS (UPDATE sessions s SET"
            + " client_disconnected_at = CASE WHEN g.client_gone THEN now() ELSE s.client_disconnected_at END,"
            + " expert_disconnected_at = CASE WHEN g.expert_gone THEN now() ELSE s.expert_disconnected_at END"
            + " FROM gone g WHERE g.id = s.id AND (g.client_gone OR g.expert_gone)"
            + " RETURNING s.id, s.client_id, s.expert_id, g.client_gone, g.expert_gone)"
            + " SELECT id, client_id AS who, expert_id AS peer FROM marked WHERE client_gone"
            + " UNION ALL SELECT id, expert_id AS who, client_id AS peer FROM marked WHERE expert_gone")
        .execute()
        .map(SessionRepository::dropouts);
  }

  public record Dropout(SessionId session, UserId who, UserId peer) {}

  // ---- endings: which sessions are due, and the conditional write that ends one (Outcomes settles them)

  /**
   * The session, locked until the caller's transaction ends, if it is still open; {@code participant}
   * (may be null) must be one of its two. The lock is the one ending it takes anyway (NO KEY UPDATE),
   * so rows that merely reference the session (ledger entries, penalties, ratings) are not blocked.
   */
  public static Future<Optional<SessionRecord>> lockOpen(SqlClient sql, SessionId id, UserId participant) {
    return sql.preparedQuery("SELECT " + COLUMNS + " FROM sessions s WHERE s.id = $1 AND s.status IN ('waiting', 'active')"
            + " AND ($2::uuid IS NULL OR s.client_id = $2 OR s.expert_id = $2) FOR NO KEY UPDATE")
        .execute(Tuple.of(id.value(), participant == null ? null : participant.value()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(session(rows.iterator().next())));
  }

  /**
   * Ends an open session as {@code status}: the conditional write that makes every ending happen
   * once, whoever tries it, and its chat's closing ({@link MessageStore#closeChat}) in the same
   * transaction. The session as it ended, or empty when it was no longer open; its {@code lastSeq}
   * is read before the chat closes, so a batch the close waits for is not in it.
   */
  public static Future<Optional<SessionRecord>> finish(SqlClient sql, SessionId id, SessionStatus status, UserId endedBy) {
    return sql.preparedQuery("UPDATE sessions s SET status = $2, ended_at = now(), ended_by = $3"
            + " WHERE s.id = $1 AND s.status IN ('waiting', 'active') RETURNING " + COLUMNS)
        .execute(Tuple.of(id.value(), status.wireName(), endedBy == null ? null : endedBy.value()))
        .map(rows -> rows.size() == 0 ? Optional.<SessionRecord>empty() : Optional.of(session(rows.iterator().next())))
        .compose(ended -> ended.isEmpty() ? Future.succeededFuture(ended) : MessageStore.closeChat(sql, id).map(ended));
  }

  /**
   * The sweeps that end sessions work in batches of at most {@code batch} sessions, one transaction
   * each, the caller asking for the next batch while a full one comes back. Ending a session settles
   * its money (and maybe a penalty) in the same transaction, a few statements per session, so
   * unbounded, every session of a storm (a node with thousands of rooms dying) would sit in one
   * transaction holding their rows and a connection until it commits. At a thousand sessions that
   * measured harmless either way (docs/benchmarks.md, "A thousand sessions abandoned
   * at once"); the bound is for larger storms. Rows another transaction holds are skipped (SKIP
   * LOCKED), not waited for: that one is ending or changing them, and a session still due is taken
   * by the next sweep. The lock is the one ending them takes anyway (NO KEY UPDATE).
   */
  private static final String DUE = " ORDER BY s.id LIMIT $%d FOR NO KEY UPDATE OF s SKIP LOCKED";

  /** A session whose join window closed, and who had joined it. */
  public record JoinWindowClosed(SessionRecord session, boolean clientJoined, boolean expertJoined) {}

  /** Waiting sessions whose join deadline plus {@code lateGrace} has passed ({@code only}: just that one, else a batch), locked. */
  public static Future<List<JoinWindowClosed>> dueJoinWindows(SqlClient sql, Duration lateGrace, SessionId only, int batch) {
    return sql.preparedQuery("SELECT " + COLUMNS + ", s.client_joined_at IS NOT NULL AS client_joined,"
            + " s.expert_joined_at IS NOT NULL AS expert_joined FROM sessions s"
            + " WHERE s.status = 'waiting' AND s.join_deadline + make_interval(secs => $1) <= now() AND ($2::uuid IS NULL OR s.id = $2)"
            + String.format(DUE, 3))
        .execute(Tuple.of(lateGrace.toMillis() / 1000.0, only == null ? null : only.value(), batch))
        .map(rows -> {
          List<JoinWindowClosed> due = new ArrayList<>();
          rows.forEach(row -> due.add(new JoinWindowClosed(session(row), row.getBoolean("client_joined"), row.getBoolean("expert_joined"))));
          return due;
        });
  }

  /** An active session where someone went, and where each participant is. */
  public record Departure(SessionRecord session, OutcomeTable.Whereabouts client, OutcomeTable.Whereabouts expert) {}

  /** Where a participant of an active session is (OutcomeTable.Whereabouts); {@code %1$s}: client or expert. */
  private static final String WHEREABOUTS = "CASE WHEN s.%1$s_disconnected_at IS NOT NULL"
      + " THEN CASE WHEN s.%1$s_disconnected_at <= now() - make_interval(secs => $1) THEN 'dropped' ELSE 'away' END"
      + " WHEN s.%1$s_left_at IS NOT NULL"
      + " THEN CASE WHEN s.%1$s_left_at <= now() - make_interval(secs => $2) THEN 'left'"
      + "   WHEN s.%1$s_left_at <= now() - make_interval(secs => $1) THEN 'out' ELSE 'away' END"
      + " ELSE 'there' END";

  /**
   * Active online sessions whose participants' whereabouts are one of {@code deciding}
   * ({@code client:expert}, OutcomeTable.decidingWhereabouts), locked; {@code grace} is the
   * reconnect grace, {@code alone} how long one may leave the other alone in the room. In-person
   * sessions have none: a meeting does not depend on anyone's app staying open.
   */
  public static Future<List<Departure>> dueDepartures(SqlClient sql, Duration grace, Duration alone, List<String> deciding, int batch) {
    return sql.preparedQuery("WITH w AS (SELECT s.id, " + String.format(WHEREABOUTS, "client") + " AS client_at, "
            + String.format(WHEREABOUTS, "expert") + " AS expert_at FROM sessions s WHERE s.status = 'active' AND s.mode <> 'in_person'"
            + " AND (s.client_disconnected_at IS NOT NULL OR s.expert_disconnected_at IS NOT NULL"
            + "   OR s.client_left_at IS NOT NULL OR s.expert_left_at IS NOT NULL))"
            + " SELECT " + COLUMNS + ", w.client_at, w.expert_at FROM sessions s JOIN w ON w.id = s.id"
            + " WHERE s.status = 'active' AND w.client_at || ':' || w.expert_at = ANY($3)" + String.format(DUE, 4))
        .execute(Tuple.of(grace.toMillis() / 1000.0, alone.toMillis() / 1000.0, deciding.toArray(String[]::new), batch))
        .map(rows -> {
          List<Departure> due = new ArrayList<>();
          rows.forEach(row -> due.add(new Departure(session(row), OutcomeTable.Whereabouts.stored(row.getString("client_at")),
              OutcomeTable.Whereabouts.stored(row.getString("expert_at")))));
          return due;
        });
  }

  /** Active sessions that started more than {@code longest} ago, locked. */
  public static Future<List<SessionRecord>> dueOverlong(SqlClient sql, Duration longest, int batch) {
    return sql.preparedQuery("SELECT " + COLUMNS + " FROM sessions s WHERE s.status = 'active'"
            + " AND s.started_at <= now() - make_interval(secs => $1)" + String.format(DUE, 2))
        .execute(Tuple.of(longest.toMillis() / 1000.0, batch))
        .map(rows -> {
          List<SessionRecord> due = new ArrayList<>();
          rows.forEach(row -> due.add(session(row)));
          return due;
        });
  }

  /** An active session about to end by itself: why, and when. Both participants are to be told, once. */
  public record Ending(SessionRecord session, SessionEnd cause, Instant endsAt) {}

  /**
   * Sessions that will end by themselves within {@code warning} and whose participants have not
   * been told: an online session one participant left (room.leave) and has not come back to, which
   * ends {@code alone} after the leave, and any session {@code longest} after its start. Marks them
   * told, so each stretch is warned of once (a join clears the mark).
   */
  public Future<List<Ending>> warnEnding(Duration alone, Duration longest, Duration warning) {
    return pool.preparedQuery("WITH due AS (SELECT s.id,"
            + " CASE WHEN s.mode <> 'in_person' AND (s.client_left_at IS NULL) <> (s.expert_left_at IS NULL)"
            + "   THEN coalesce(s.client_left_at, s.expert_left_at) + make_interval(secs => $1) END AS alone_end,"
            + " s.started_at + make_interval(secs => $2) AS longest_end"
            + " FROM sessions s WHERE s.status = 'active' AND s.end_warned_at IS NULL)"
            + " UPDATE sessions s SET end_warned_at = now() FROM due"
            + " WHERE s.id = due.id AND least(due.alone_end, due.longest_end) <= now() + make_interval(secs => $3)"
            + " RETURNING " + COLUMNS + ", due.alone_end IS NOT NULL AND due.alone_end <= due.longest_end AS alone,"
            + " least(due.alone_end, due.longest_end) AS ends_at")
        .execute(Tuple.of(alone.toMillis() / 1000.0, longest.toMillis() / 1000.0, warning.toMillis() / 1000.0))
        .map(rows -> {
          List<Ending> endings = new ArrayList<>();
          for (Row row : rows) {
            endings.add(new Ending(session(row), row.getBoolean("alone") ? SessionEnd.ALONE : SessionEnd.MAX_DURATION,
                row.getOffsetDateTime("ends_at").toInstant()));
          }
          return endings;
        });
  }

  /** Opens an accepted offer's session, {@code waiting}, and its chat, in the acceptance's transaction ({@link SessionOpening}). */
  public static Future<Instant> open(SqlClient sql, SessionOpening.NewSession s) {
    return sql.preparedQuery("INSERT INTO sessions (id, request_id, offer_id, client_id, expert_id, topic, mode, status,"
            + " join_deadline, meeting_lat, meeting_lng, price, platform_fee) VALUES ($1, $2, $3, $4, $5, $6, $7, 'waiting',"
            + " now() + make_interval(secs => $8), $9, $10, $11, $12) RETURNING join_deadline")
        .execute(Tuple.tuple()
            .addUUID(s.id()).addUUID(s.request().value()).addUUID(s.offer().value()).addUUID(s.client().value()).addUUID(s.expert().value())
            .addString(s.topic().value()).addString(s.mode().wireName()).addDouble(s.joinWindow().toMillis() / 1000.0)
            .addDouble(s.meetingPoint().map(GeoPoint::lat).orElse(null)).addDouble(s.meetingPoint().map(GeoPoint::lng).orElse(null)).addLong(s.price().amount()).addLong(s.price().platformFee()))
        .map(rows -> rows.iterator().next().getOffsetDateTime("join_deadline").toInstant())
        .compose(deadline -> MessageStore.openChat(sql, new SessionId(s.id())).map(deadline));
  }

  /** Opens a booking's session ({@link BookedSession}), {@code waiting}, and its chat, in the caller's transaction (the one that marks the booking opened). */
  public static Future<Void> openBooked(SqlClient sql, BookedSession s) {
    return sql.preparedQuery("INSERT INTO sessions (id, booking_id, client_id, expert_id, topic, mode, status,"
            + " join_deadline, meeting_lat, meeting_lng, price, platform_fee) VALUES ($1, $1, $2, $3, $4, $5, 'waiting', $6, $7, $8, $9, $10)")
        .execute(Tuple.tuple()
            .addUUID(s.booking().value()).addUUID(s.client().value()).addUUID(s.expert().value()).addString(s.topic().value())
            .addString(s.mode().wireName()).addOffsetDateTime(s.joinDeadline().atOffset(java.time.ZoneOffset.UTC))
            .addDouble(s.meetingPoint().map(GeoPoint::lat).orElse(null)).addDouble(s.meetingPoint().map(GeoPoint::lng).orElse(null))
            .addLong(s.price()).addLong(s.platformFee()))
        .compose(rows -> MessageStore.openChat(sql, new SessionId(s.booking().value())));
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
        row.getUUID("booking_id"),
        new UserId(row.getUUID("client_id")),
        new UserId(row.getUUID("expert_id")),
        Mode.fromWire(row.getString("mode")).orElseThrow(),
        SessionStatus.stored(row.getString("status")),
        instant(row.getOffsetDateTime("join_deadline")),
        instant(row.getOffsetDateTime("started_at")),
        instant(row.getOffsetDateTime("ended_at")),
        row.getInteger("last_seq"),
        row.getLong("price"),
        row.getLong("platform_fee"));
  }

  static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
