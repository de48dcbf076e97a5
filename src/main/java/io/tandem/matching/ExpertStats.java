package io.tandem.matching;

import io.tandem.kernel.UserId;
import io.tandem.reliability.PenaltyConfig;
import io.vertx.core.Future;

/**
 * What an expert did with the offers they were shown over the penalty window, their acceptance
 * rate as the ranking sees it, and the thresholds that apply to them ({@link OfferStatistics}).
 */
public final class ExpertStats {
  private final MatchingQueries queries;
  private final PenaltyConfig penalties;
  private final Weights weights;

  ExpertStats(MatchingQueries queries, PenaltyConfig penalties, Weights weights) {
    this.queries = queries;
    this.penalties = penalties;
    this.weights = weights;
  }

  public Future<OfferStatistics> of(UserId expert) {
    return queries.offerCounts(expert, penalties.window()).map(counts -> new OfferStatistics(counts, penalties, weights));
  }
}
