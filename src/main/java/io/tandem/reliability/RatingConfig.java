package io.tandem.reliability;

import io.tandem.config.ConfigReader;

/** Bayesian rating: the average of the stars plus {@code priorWeight} imaginary ratings of {@code priorMean}. */
public record RatingConfig(double priorMean, int priorWeight) {
  public static RatingConfig from(ConfigReader r) {
    return new RatingConfig(r.doubleBetween("priorMean", 1, 5), r.intBetween("priorWeight", 0, 1000));
  }
}
