package io.tandem.directory;

import io.tandem.expert.ExpertProfile;
import io.tandem.expert.ListedExpert;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.reliability.RatingConfig;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The experts of a topic, a page at a time, as clients browse them: a read model over the profiles
 * (expert), the ratings and reviews (reliability) and who is online (presence), in one query so that
 * the order holds across pages. Online experts first, then by Bayesian rating (the same average as
 * {@code BayesianRating}, computed here to sort by it), then by how many ratings it rests on.
 * Experts without a profile, and suspended ones, are not listed.
 */
final class ExpertListing {
  private final Pool pool;
  private final RatingConfig ratings;

  ExpertListing(Pool pool, RatingConfig ratings) {
    this.pool = pool;
    this.ratings = ratings;
  }

  /**
   * A page of the experts who serve {@code topic}: those offering it, one of its parents (they take
   * its requests after a while) or one of its subtopics (specialists a client browsing a broad topic
   * wants to see); of {@code mode} and online now when asked. {@code page} counts from 1.
   */
  record Query(Topic topic, Optional<Mode> mode, boolean onlineOnly, int page, int pageSize) {}

  /** One expert found, with what sorting needed: their ratings' count and sum, their written reviews, whether online. */
  record Found(ListedExpert expert, long ratings, long starsSum, long reviews, boolean online) {}

  /** The page asked for, and whether another follows. */
  record Page(List<Found> experts, boolean more) {}

  // Every expert account with their profile (when saved), the count and sum of the stars they
  // received, their written reviews shown, and whether online now.
  private static final String SELECT = "SELECT a.id, a.display_name, p.*, coalesce(r.n, 0) AS n, coalesce(r.total, 0) AS total,"
      + " coalesce(r.reviews, 0) AS reviews, coalesce(ep.status = 'online', false) AS online"
      + " FROM accounts a LEFT JOIN expert_profiles p ON p.account_id = a.id"
      + " LEFT JOIN expert_presence ep ON ep.expert_id = a.id"
      + " LEFT JOIN LATERAL (SELECT count(*) AS n, sum(stars) AS total,"
      + "   count(*) FILTER (WHERE comment <> '' AND hidden_at IS NULL) AS reviews FROM ratings WHERE ratee_id = a.id) r ON true";

  Future<Page> page(Query query) {
    List<String> lineage = new ArrayList<>();
    for (Optional<Topic> t = Optional.of(query.topic()); t.isPresent(); t = t.get().parent()) {
      lineage.add(t.get().value());
    }
    // One row more than the page: whether another page follows, without counting them all.
    String sql = SELECT
        + " WHERE a.role = 'expert' AND p.account_id IS NOT NULL AND (a.suspended_until IS NULL OR a.suspended_until <= now())"
        + " AND EXISTS (SELECT 1 FROM unnest(p.topics) t WHERE t = ANY ($1) OR starts_with(t, $2))"
        + " AND ($3::text IS NULL OR $3 = ANY (p.modes))"
        + " AND (NOT $4 OR ep.status = 'online')"
        + " ORDER BY online DESC, (coalesce(r.total, 0) + $5::float8 * $6::int) / (coalesce(r.n, 0) + $6::int + 1e-9) DESC, n DESC, a.id"
        + " LIMIT $7 OFFSET $8";
    Tuple args = Tuple.tuple()
        .addArrayOfString(lineage.toArray(String[]::new))
        .addString(query.topic().value() + ".")
        .addString(query.mode().map(Mode::wireName).orElse(null))
        .addBoolean(query.onlineOnly())
        .addDouble(ratings.priorMean())
        .addInteger(ratings.priorWeight())
        .addInteger(query.pageSize() + 1)
        .addLong((long) (query.page() - 1) * query.pageSize());
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      List<Found> found = new ArrayList<>();
      rows.forEach(row -> found.add(found(row)));
      boolean more = found.size() > query.pageSize();
      return new Page(more ? found.subList(0, query.pageSize()) : found, more);
    });
  }

  /** The expert with this id, listed or not (no profile yet, suspended); empty when there is no such expert. */
  Future<Optional<Found>> one(UserId expert) {
    return pool.preparedQuery(SELECT + " WHERE a.id = $1 AND a.role = 'expert'").execute(Tuple.of(expert.value()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(found(rows.iterator().next())));
  }

  private static Found found(Row row) {
    Optional<ExpertProfile> profile = row.getUUID("account_id") == null ? Optional.empty() : Optional.of(ExpertProfile.of(row));
    return new Found(new ListedExpert(new UserId(row.getUUID("id")), row.getString("display_name"), profile),
        row.getLong("n"), row.getLong("total"), row.getLong("reviews"), row.getBoolean("online"));
  }
}
