package io.tandem.session;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.SessionStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.reliability.Ratings;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What the session feature reads of sessions, their chat and who is connected: it writes nothing
 * ({@link SessionRepository} and {@link MessageStore} write those tables), so any number of callers
 * may ask at any time.
 */
public final class SessionQueries {
  private final Pool pool;

  public SessionQueries(Pool pool) {
    this.pool = pool;
  }

  public Future<Optional<SessionRecord>> find(SessionId id) {
    return SessionRepository.find(pool, id);
  }

  /** The question the client asked in brief when requesting (as the expert saw it in the offer) or booking; empty when none. */
  public Future<Optional<String>> brief(SessionId id) {
    return pool.preparedQuery("SELECT coalesce(r.brief, b.brief) AS brief FROM sessions s LEFT JOIN requests r ON r.id = s.request_id"
            + " LEFT JOIN bookings b ON b.id = s.booking_id WHERE s.id = $1")
        .execute(Tuple.of(id.value()))
        .map(rows -> rows.size() == 0 ? Optional.<String>empty()
            : Optional.ofNullable(rows.iterator().next().getString("brief")).filter(brief -> !brief.isEmpty()));
  }

  /** The meeting point of an in-person session (the expert's location at match time). */
  public Future<Optional<GeoPoint>> meetingPoint(SessionId id) {
    return pool.preparedQuery("SELECT meeting_lat, meeting_lng FROM sessions WHERE id = $1").execute(Tuple.of(id.value()))
        .map(rows -> rows.size() == 0 || rows.iterator().next().getDouble("meeting_lat") == null
            ? Optional.empty()
            : Optional.of(new GeoPoint(rows.iterator().next().getDouble("meeting_lat"), rows.iterator().next().getDouble("meeting_lng"))));
  }

  /**
   * {@code GET /api/v1/me/sessions}: the participant's sessions, newest first, each with the peer and
   * the rating the client gave in it (what a client gave, what an expert received).
   */
  public Future<List<PastSession>> history(UserId participant, int limit) {
    return pool.preparedQuery("SELECT s.id, s.request_id, s.booking_id, s.topic, s.mode, s.status, s.created_at, s.started_at, s.ended_at,"
            + " s.client_id = $1 AS is_client, peer.id AS peer_id, peer.display_name AS peer_name, r.stars, r.comment,"
            + " r.reported_at IS NOT NULL AS reported, r.report_settled_at IS NOT NULL AS settled, r.hidden_at IS NOT NULL AS hidden"
            + " FROM sessions s"
            + " JOIN accounts peer ON peer.id = CASE WHEN s.client_id = $1 THEN s.expert_id ELSE s.client_id END"
            + " LEFT JOIN ratings r ON r.session_id = s.id AND r.rater_id = s.client_id"
            + " WHERE s.client_id = $1 OR s.expert_id = $1"
            + " ORDER BY s.created_at DESC LIMIT $2")
        .execute(Tuple.of(participant.value(), limit))
        .map(rows -> {
          List<PastSession> sessions = new ArrayList<>(rows.size());
          rows.forEach(row -> sessions.add(new PastSession(new SessionId(row.getUUID("id")), row.getUUID("request_id"), row.getUUID("booking_id"),
              new Topic(row.getString("topic")), Mode.fromWire(row.getString("mode")).orElseThrow(), SessionStatus.stored(row.getString("status")),
              row.getBoolean("is_client"), new UserId(row.getUUID("peer_id")), row.getString("peer_name"),
              SessionRepository.instant(row.getOffsetDateTime("created_at")), SessionRepository.instant(row.getOffsetDateTime("started_at")), SessionRepository.instant(row.getOffsetDateTime("ended_at")),
              row.getInteger("stars") == null ? Optional.empty() : Optional.of(new PastSession.Rating(row.getInteger("stars"), row.getString("comment"),
                  Ratings.Moderation.of(row.getBoolean("reported"), row.getBoolean("settled"), row.getBoolean("hidden")))))));
          return sessions;
        });
  }


  /** A session still open, as one participant is told of it: the other participant's name with it. */
  public record LiveSession(SessionRecord session, String peerName) {}

  /** The participant's sessions still open (waiting or active), oldest first. */
  public Future<List<LiveSession>> liveOf(UserId participant) {
    return pool.preparedQuery("SELECT " + SessionRepository.COLUMNS + ", peer.display_name AS peer_name FROM sessions s"
            + " JOIN accounts peer ON peer.id = CASE WHEN s.client_id = $1 THEN s.expert_id ELSE s.client_id END"
            + " WHERE (s.client_id = $1 OR s.expert_id = $1) AND s.status IN ('waiting', 'active') ORDER BY s.created_at")
        .execute(Tuple.of(participant.value()))
        .map(rows -> {
          List<LiveSession> live = new ArrayList<>();
          rows.forEach(row -> live.add(new LiveSession(SessionRepository.session(row), row.getString("peer_name"))));
          return live;
        });
  }

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
}
