package io.tandem.matching;

import io.tandem.reliability.AcceptanceRate;
import io.tandem.reliability.PenaltyConfig;
import io.vertx.core.json.JsonObject;

/**
 * What an expert did with the offers they were shown over the penalty window ({@code counts}),
 * and the thresholds and weights they are judged by, so that nothing about it is hidden.
 */
public record OfferStatistics(MatchingQueries.OfferCounts counts, PenaltyConfig penalties, Weights weights) {
  /** Offers that were the expert's to answer: accepted, declined or missed while present. */
  private long answerable() {
    return counts.accepted() + counts.declined() + counts.missed();
  }

  /** The body of {@code GET /api/v1/me/stats}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("windowDays", penalties.window().toDays())
        .put("offers", new JsonObject()
            .put("shown", counts.shown())
            .put("accepted", counts.accepted())
            .put("declined", counts.declined())
            .put("missed", counts.missed())
            .put("missedWhileAway", counts.missedWhileAway())
            .put("revoked", counts.revoked()))
        .put("acceptanceRate", AcceptanceRate.observed(counts.accepted(), answerable()))
        .put("rankedAcceptance", AcceptanceRate.ranked(counts.accepted(), answerable()))
        .put("thresholds", new JsonObject()
            .put("offerTimeoutPoints", penalties.offerTimeoutPoints())
            .put("missedInARowGoOffline", penalties.missedOffersOffline())
            .put("suspendAtPoints", penalties.suspendAtPoints())
            .put("suspendHours", penalties.suspension().toHours())
            .put("firstOffenceWaived", penalties.waiveFirstOffence())
            .put("acceptancePriorAccepted", AcceptanceRate.PRIOR_ACCEPTED)
            .put("acceptanceWeight", weights.acceptance())
            .put("reliabilityWeight", weights.reliability()));
  }
}
