package io.tandem.matching;

import io.tandem.config.ConfigReader;

/** How much each part of a candidate's score counts; every part is between 0 and 1 before weighting. */
public record Weights(double topicFit, double proximity, double rating, double reliability, double acceptance, double fairness,
    double waiting) {
  public static Weights from(ConfigReader r) {
    return new Weights(
        r.doubleBetween("topicFit", 0, 100),
        r.doubleBetween("proximity", 0, 100),
        r.doubleBetween("rating", 0, 100),
        r.doubleBetween("reliability", 0, 100),
        r.doubleBetween("acceptance", 0, 100),
        r.doubleBetween("fairness", 0, 100),
        r.doubleBetween("waiting", 0, 100));
  }
}
