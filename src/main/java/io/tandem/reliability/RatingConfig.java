package io.tandem.reliability;

import io.tandem.config.ConfigReader;

/**
 * Ratings and how experts are shown by them. Bayesian rating: the average of the stars plus
 * {@code priorWeight} imaginary ratings of {@code priorMean}. An expert's public badge is
 * {@code new} while they have fewer than {@code newBelowRatings} ratings, else {@code reliable}
 * with a reliability score of {@code reliableScore} or more and no no-show in the penalty window.
 * A public profile shows the {@code recentReviews} newest written reviews.
 */
public record RatingConfig(double priorMean, int priorWeight, int newBelowRatings, double reliableScore, int recentReviews) {
  public static RatingConfig from(ConfigReader r) {
    return new RatingConfig(r.doubleBetween("priorMean", 1, 5), r.intBetween("priorWeight", 0, 1000),
        r.intBetween("newBelowRatings", 0, 1000), r.doubleBetween("reliableScore", 0, 1), r.intBetween("recentReviews", 0, 100));
  }
}
