package io.tandem.reliability;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.kernel.SessionStatus;
import io.tandem.kernel.UserId;
import io.tandem.kernel.Uuids;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A person's record as others and they themselves see it: reliability score, no-shows and
 * suspension, penalties, ratings. (An operator's waiver is the operator feature's.)
 */
public final class Reliability {
  private final Pool pool;
  private final Penalties penalties;
  private final PenaltyPolicy policy;
  private final BayesianRating rating;
  private final long windowDays;

  public Reliability(Pool pool, Penalties penalties, PenaltyPolicy policy, BayesianRating rating) {
    this.pool = pool;
    this.penalties = penalties;
    this.policy = policy;
    this.rating = rating;
    this.windowDays = policy.window().toDays();
  }

  public Future<ReliabilitySummary> summary(UserId user) {
    return pool.preparedQuery("SELECT a.suspended_until, p.points, p.waived, p.kind, p.created_at FROM accounts a"
            + " LEFT JOIN penalties p ON p.user_id = a.id AND p.created_at > now() - make_interval(days => $2) WHERE a.id = $1")
        .execute(Tuple.of(user.value(), (int) windowDays))
        .map(rows -> {
          List<PenaltyPolicy.Past> record = new ArrayList<>();
          int noShows = 0;
          OffsetDateTime suspended = null;
          for (Row row : rows) {
            suspended = row.getOffsetDateTime("suspended_until");
            if (row.getInteger("points") != null) {
              record.add(new PenaltyPolicy.Past(row.getInteger("points"), row.getBoolean("waived"), row.getOffsetDateTime("created_at").toInstant()));
              if (PenaltyKind.NO_SHOW.wireName().equals(row.getString("kind"))) {
                noShows++;
              }
            }
          }
          Instant now = Instant.now();
          return new ReliabilitySummary(Math.round(policy.reliability(record, now) * 1000) / 1000.0, noShows,
              suspended != null && suspended.toInstant().isAfter(now) ? java.util.Optional.of(suspended.toInstant()) : java.util.Optional.empty());
        });
  }

  /** When the user is suspended, until when: suspended people get no offers and make no requests. */
  public Future<java.util.Optional<Instant>> suspendedUntil(UserId user) {
    return pool.preparedQuery("SELECT suspended_until FROM accounts WHERE id = $1 AND suspended_until > now()")
        .execute(Tuple.of(user.value()))
        .map(rows -> rows.size() == 0
            ? java.util.Optional.empty()
            : java.util.Optional.of(rows.iterator().next().getOffsetDateTime("suspended_until").toInstant()));
  }

  /** The Bayesian average of the stars the user received. */
  public Future<Rating> rating(UserId user) {
    return pool.preparedQuery("SELECT count(*) AS n, coalesce(sum(stars), 0) AS total FROM ratings WHERE ratee_id = $1")
        .execute(Tuple.of(user.value()))
        .map(rows -> {
          Row row = rows.iterator().next();
          long count = row.getLong("n");
          return new Rating(Math.round(rating.of(count, row.getLong("total")) * 100) / 100.0, count);
        });
  }

  /** A person's reliability and their penalties, newest first (at most 500). */
  public record PenaltyRecord(ReliabilitySummary reliability, List<Penalty> penalties) {
    /** {@code GET /api/v1/me/penalties}: {@code {reliability, penalties}}. */
    public JsonObject toJson() {
      return new JsonObject().put("reliability", reliability.toJson())
          .put("penalties", new JsonArray(penalties.stream().map(Penalty::toJson).toList()));
    }
  }

  /** {@code GET /api/v1/me/penalties}. */
  public Future<PenaltyRecord> penaltiesOf(UserId user) {
    return summary(user).compose(summary -> pool.preparedQuery("SELECT * FROM penalties WHERE user_id = $1 ORDER BY created_at DESC LIMIT 500")
        .execute(Tuple.of(user.value()))
        .map(rows -> {
          List<Penalty> penalties = new ArrayList<>();
          rows.forEach(row -> penalties.add(Penalty.of(row)));
          return new PenaltyRecord(summary, penalties);
        }));
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
}
