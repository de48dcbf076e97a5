package io.tandem.reliability;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.SessionStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.kernel.Uuids;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The one writer of {@code ratings}. The participants of a consultation rate each other once it is
 * over; what a client wrote of an expert (a rating with a comment) is a review, shown on the
 * expert's public profile and known by its session's id (a client rates a session's expert once).
 * The expert it is about may report it, once; an operator hides it from the public, or shows it
 * again, inside the operator's audited transaction. A hidden review's stars still count in the
 * rating: the consultation took place; only the words are withheld. Ratings an expert gives a
 * client are never public. The average a person's ratings make is {@link Reliability#rating}.
 */
public final class Ratings {
  /** A report's reason, at most this many characters. */
  public static final int MAX_REASON_LENGTH = 500;

  // A client's rating of the expert of a session: the only ratings that are reviews.
  private static final String REVIEWS = "ratings r JOIN sessions s ON s.id = r.session_id AND r.rater_id = s.client_id AND r.ratee_id = s.expert_id"
      + " JOIN accounts e ON e.id = r.ratee_id";
  private static final String COLUMNS = "r.*, s.topic, e.display_name AS expert_name";

  private final Pool pool;

  public Ratings(Pool pool) {
    this.pool = pool;
  }

  /** A comment's longest, in characters. */
  public static final int MAX_COMMENT_LENGTH = 2000;

  /**
   * {@code POST /api/v1/sessions/{id}/ratings}: a participant of a session that took place and is
   * over rates the other, once, with 1 to 5 {@code stars} and a {@code comment} (may be empty).
   */
  /** A rating given: of whom, in which session, and what it said. */
  public record RatingGiven(String sessionId, UUID rateeId, int stars, String comment) {
    /** The {@code 201} body: {@code {sessionId, rateeId, stars, comment}}, the session's id as the rater gave it. */
    public JsonObject toJson() {
      return new JsonObject().put("sessionId", sessionId).put("rateeId", rateeId.toString()).put("stars", stars).put("comment", comment);
    }
  }

  /** The session a rating is for: {@code not_found} for an id that cannot be one (the route asks before reading the body). */
  public static UUID ratedSession(String sessionId) {
    return Uuids.parse(sessionId).orElseThrow(() -> ApiError.notFound("there is no session " + sessionId));
  }

  public Future<RatingGiven> rate(AuthenticatedUser caller, String sessionId, int stars, String comment) {
    UUID session = ratedSession(sessionId);
    return pool.preparedQuery("SELECT client_id, expert_id, status, started_at IS NOT NULL AS took_place FROM sessions WHERE id = $1")
        .execute(Tuple.of(session))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiError.notFound("there is no session " + sessionId));
          }
          Row row = rows.iterator().next();
          UUID client = row.getUUID("client_id");
          UUID expert = row.getUUID("expert_id");
          if (!caller.id().value().equals(client) && !caller.id().value().equals(expert)) {
            return Future.failedFuture(ApiError.forbidden("only the session's participants may rate it"));
          }
          // A session that took place and is over: completed, or one of the two left the other.
          if (SessionStatus.stored(row.getString("status")).open() || !row.getBoolean("took_place")) {
            return Future.failedFuture(ApiError.conflict("only a session that took place and is over can be rated; this one is "
                + row.getString("status")));
          }
          UUID ratee = caller.id().value().equals(client) ? expert : client;
          return pool.preparedQuery("INSERT INTO ratings (session_id, rater_id, ratee_id, stars, comment) VALUES ($1, $2, $3, $4, $5)"
                  + " ON CONFLICT DO NOTHING RETURNING created_at")
              .execute(Tuple.of(session, caller.id().value(), ratee, stars, comment))
              .compose(inserted -> inserted.size() == 0
                  ? Future.failedFuture(ApiError.conflict("you have already rated this session"))
                  : Future.succeededFuture(new RatingGiven(sessionId, ratee, stars, comment)));
        });
  }

  /** A review as the public reads it: no reviewer is named. */
  public record Review(SessionId id, int stars, String comment, Topic topic, Instant at) {
    /** {@code {id, stars, comment, topic, at}}. */
    public JsonObject toJson() {
      return new JsonObject().put("id", id.value().toString()).put("stars", stars).put("comment", comment)
          .put("topic", topic.value()).put("at", at.toString());
    }

    static Review of(Row row) {
      return new Review(new SessionId(row.getUUID("session_id")), row.getInteger("stars"), row.getString("comment"),
          new Topic(row.getString("topic")), row.getOffsetDateTime("created_at").toInstant());
    }
  }

  /**
   * Where a review stands, as the expert it is about is told: none; they reported it; an operator
   * kept it shown; an operator hid it from their public profile.
   */
  public enum Moderation {
    NONE, REPORTED, KEPT, HIDDEN;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** From the review's columns: {@code reported_at}, {@code report_settled_at} and {@code hidden_at} set or not. */
    public static Moderation of(boolean reported, boolean settled, boolean hidden) {
      return hidden ? HIDDEN : settled ? KEPT : reported ? REPORTED : NONE;
    }
  }

  /**
   * A review as the operators see it: whom it is about, whether reported (why), whether an operator
   * settled the report (hid the review or kept it), and whether hidden.
   */
  public record Moderated(Review review, UserId expert, String expertName, Optional<Instant> reportedAt, String reportReason,
      boolean reportSettled, boolean hidden) {
    /** The review's fields, with {@code expertId, expertName, reportedAt, reportReason, reportSettled, hidden}. */
    public JsonObject toJson() {
      return review.toJson().put("expertId", expert.toString()).put("expertName", expertName)
          .put("reportedAt", reportedAt.map(Instant::toString).orElse(null))
          .put("reportReason", reportReason).put("reportSettled", reportSettled).put("hidden", hidden);
    }

    static Moderated of(Row row) {
      return new Moderated(Review.of(row), new UserId(row.getUUID("ratee_id")), row.getString("expert_name"),
          Optional.ofNullable(row.getOffsetDateTime("reported_at")).map(t -> t.toInstant()),
          Optional.ofNullable(row.getString("report_reason")).orElse(""), row.getOffsetDateTime("report_settled_at") != null,
          row.getOffsetDateTime("hidden_at") != null);
    }
  }

  /** The expert's most recent reviews shown to the public (written, not hidden), newest first. */
  public Future<List<Review>> recent(UserId expert, int limit) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM " + REVIEWS
            + " WHERE r.ratee_id = $1 AND r.comment <> '' AND r.hidden_at IS NULL ORDER BY r.created_at DESC, r.session_id LIMIT $2")
        .execute(Tuple.of(expert.value(), limit))
        .map(rows -> {
          List<Review> reviews = new ArrayList<>();
          rows.forEach(row -> reviews.add(Review.of(row)));
          return reviews;
        });
  }

  /**
   * The expert reports a review of them. A second report changes nothing (the first reason stays);
   * empty when the expert has no review of that id.
   */
  public Future<Optional<Moderated>> report(UserId expert, SessionId review, String reason) {
    return pool.preparedQuery("UPDATE ratings r SET reported_at = coalesce(r.reported_at, now()), report_reason = coalesce(r.report_reason, $3)"
            + " FROM sessions s JOIN accounts e ON e.id = s.expert_id WHERE r.session_id = $1 AND r.ratee_id = $2 AND s.id = r.session_id"
            + " AND r.rater_id = s.client_id AND s.expert_id = $2 AND r.comment <> '' RETURNING " + COLUMNS)
        .execute(Tuple.of(review.value(), expert.value(), reason))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Moderated.of(rows.iterator().next())));
  }

  /** What hiding or showing a review did: the review as it is now, and whether anything changed (its visibility, or its report settled). */
  public record Visibility(Moderated review, boolean changed) {}

  /**
   * Hides a review from the public, or shows it (again), in the operator's transaction; either way
   * a report of it is settled (it leaves the operators' queue). Empty when there is no review of that id.
   */
  public Future<Optional<Visibility>> setHidden(SqlConnection conn, SessionId review, boolean hidden) {
    // The row locked and read before the change, so that "changed" is exact under concurrent operators.
    return conn.preparedQuery("SELECT r.hidden_at IS NOT NULL AS was_hidden, r.reported_at IS NOT NULL AND r.report_settled_at IS NULL AS pending"
            + " FROM " + REVIEWS + " WHERE r.session_id = $1 AND r.comment <> '' FOR UPDATE OF r")
        .execute(Tuple.of(review.value()))
        .compose(before -> {
          if (before.size() == 0) {
            return Future.succeededFuture(Optional.empty());
          }
          Row was = before.iterator().next();
          boolean changed = was.getBoolean("was_hidden") != hidden || was.getBoolean("pending");
          return conn.preparedQuery("UPDATE ratings r SET hidden_at = CASE WHEN $2 THEN coalesce(r.hidden_at, now()) END,"
                  + " report_settled_at = CASE WHEN r.reported_at IS NOT NULL THEN coalesce(r.report_settled_at, now()) END"
                  + " FROM sessions s JOIN accounts e ON e.id = s.expert_id"
                  + " WHERE r.session_id = $1 AND s.id = r.session_id AND r.rater_id = s.client_id RETURNING " + COLUMNS)
              .execute(Tuple.of(review.value(), hidden))
              .map(rows -> Optional.of(new Visibility(Moderated.of(rows.iterator().next()), changed)));
        });
  }

  /** Reports not settled yet, oldest first: the operators' queue (at most {@code limit}). */
  public Future<List<Moderated>> reported(int limit) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM " + REVIEWS
            + " WHERE r.reported_at IS NOT NULL AND r.report_settled_at IS NULL ORDER BY r.reported_at, r.session_id LIMIT $1")
        .execute(Tuple.of(limit))
        .map(rows -> {
          List<Moderated> reviews = new ArrayList<>();
          rows.forEach(row -> reviews.add(Moderated.of(row)));
          return reviews;
        });
  }
}
