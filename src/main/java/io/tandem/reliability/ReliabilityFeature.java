package io.tandem.reliability;

import io.tandem.auth.AccountSuspensions;
import io.vertx.sqlclient.Pool;

/**
 * Reliability as the rest of the node uses it: penalties recorded inside others' transactions, and
 * the reads of standing, and ratings with their reviews.
 */
public record ReliabilityFeature(Penalties penalties, Reliability reliability, BayesianRating rating, Ratings ratings) {
  /**
   * {@code suspension}: how a suspended expert is taken offline (presence owns that table);
   * {@code accounts}: how the account itself is suspended (auth owns that one).
   */
  public static ReliabilityFeature build(Pool pool, PenaltyConfig penaltyConfig, RatingConfig ratings, Penalties.Suspension suspension, AccountSuspensions accounts) {
    PenaltyPolicy policy = new PenaltyPolicy(penaltyConfig);
    Penalties penalties = new Penalties(policy, suspension, accounts);
    BayesianRating rating = new BayesianRating(ratings);
    return new ReliabilityFeature(penalties, new Reliability(pool, penalties, policy, rating), rating, new Ratings(pool));
  }
}
