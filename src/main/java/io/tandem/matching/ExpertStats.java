package io.tandem.matching;

import io.tandem.config.PenaltyConfig;
import io.tandem.config.Weights;
import io.tandem.kernel.UserId;
import io.tandem.reliability.AcceptanceRate;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * {@code GET /api/v1/me/stats}: what an expert did with the offers they were shown over the penalty
 * window, their acceptance rate as the ranking sees it, and the thresholds that apply to them, so
 * that nothing about how they are judged is hidden.
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

  public Future<JsonObject> of(UserId expert) {
    return queries.offerCounts(expert, penalties.window()).map(c -> {
      long counted = c.accepted() + c.declined() + c.missed();
      return new JsonObject()
          .put("windowDays", penalties.window().toDays())
          .put("offers", new JsonObject()
              .put("shown", c.shown())
              .put("accepted", c.accepted())
              .put("declined", c.declined())
              .put("missed", c.missed())
              .put("missedWhileAway", c.missedWhileAway())
              .put("revoked", c.revoked()))
          .put("acceptanceRate", AcceptanceRate.observed(c.accepted(), counted))
          .put("rankedAcceptance", AcceptanceRate.ranked(c.accepted(), counted))
          .put("thresholds", new JsonObject()
              .put("offerTimeoutPoints", penalties.offerTimeoutPoints())
              .put("missedInARowGoOffline", penalties.missedOffersOffline())
              .put("suspendAtPoints", penalties.suspendAtPoints())
              .put("suspendHours", penalties.suspension().toHours())
              .put("firstOffenceWaived", penalties.waiveFirstOffence())
              .put("acceptancePriorAccepted", AcceptanceRate.PRIOR_ACCEPTED)
              .put("acceptanceWeight", weights.acceptance())
              .put("reliabilityWeight", weights.reliability()));
    });
  }
}
