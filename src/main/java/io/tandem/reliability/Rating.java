package io.tandem.reliability;

import io.vertx.core.json.JsonObject;

/** The Bayesian average of the stars a person received ({@link BayesianRating}), and how many ratings it rests on. */
public record Rating(double average, long count) {
  /** {@code {average, count}}, as the contract shows it. */
  public JsonObject toJson() {
    return new JsonObject().put("average", average).put("count", count);
  }
}
