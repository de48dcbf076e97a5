package io.tandem.reliability;

import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A person's record as others and they themselves see it: reliability score, no-shows and
 * suspension, penalties, the average of their ratings ({@link Ratings} writes them). (An operator's
 * waiver is the operator feature's.)
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
    return summaries(List.of(user)).map(all -> all.getOrDefault(user,
        new ReliabilitySummary(policy.reliability(List.of(), Instant.now()), 0, java.util.Optional.empty())));
  }

  /** The reliability of each of these users (a page of experts in one query); users who do not exist are left out. */
  public Future<Map<UserId, ReliabilitySummary>> summaries(List<UserId> users) {
    return pool.preparedQuery("SELECT a.id, a.suspended_until, p.points, p.waived, p.kind, p.created_at FROM accounts a"
            + " LEFT JOIN penalties p ON p.user_id = a.id AND p.created_at > now() - make_interval(days => $2) WHERE a.id = ANY ($1)")
        .execute(Tuple.of(users.stream().map(UserId::value).toArray(UUID[]::new), (int) windowDays))
        .map(rows -> {
          Map<UserId, List<PenaltyPolicy.Past>> records = new HashMap<>();
          Map<UserId, Integer> noShows = new HashMap<>();
          Map<UserId, OffsetDateTime> suspended = new HashMap<>();
          for (Row row : rows) {
            UserId user = new UserId(row.getUUID("id"));
            List<PenaltyPolicy.Past> record = records.computeIfAbsent(user, u -> new ArrayList<>());
            noShows.putIfAbsent(user, 0);
            if (row.getOffsetDateTime("suspended_until") != null) {
              suspended.put(user, row.getOffsetDateTime("suspended_until"));
            }
            if (row.getInteger("points") != null) {
              record.add(new PenaltyPolicy.Past(row.getInteger("points"), row.getBoolean("waived"), row.getOffsetDateTime("created_at").toInstant()));
              if (PenaltyKind.NO_SHOW.wireName().equals(row.getString("kind"))) {
                noShows.merge(user, 1, Integer::sum);
              }
            }
          }
          Instant now = Instant.now();
          Map<UserId, ReliabilitySummary> summaries = new HashMap<>();
          records.forEach((user, record) -> {
            OffsetDateTime until = suspended.get(user);
            summaries.put(user, new ReliabilitySummary(Math.round(policy.reliability(record, now) * 1000) / 1000.0, noShows.get(user),
                until != null && until.toInstant().isAfter(now) ? java.util.Optional.of(until.toInstant()) : java.util.Optional.empty()));
          });
          return summaries;
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
}
