package io.tandem.reliability;


/**
 * A rating that does not trust a handful of stars: the mean of the stars plus {@code priorWeight}
 * imaginary ratings of {@code priorMean}. With no ratings it is the prior; with many, the mean.
 */
public final class BayesianRating {
  private final RatingConfig config;

  public BayesianRating(RatingConfig config) {
    this.config = config;
  }

  public double of(long count, long starsSum) {
    long weight = config.priorWeight() + count;
    return weight == 0 ? config.priorMean() : (config.priorMean() * config.priorWeight() + starsSum) / weight;
  }

  public double prior() {
    return config.priorMean();
  }
}
