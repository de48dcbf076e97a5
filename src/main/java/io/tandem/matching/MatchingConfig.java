package io.tandem.matching;

import io.tandem.config.ConfigReader;

import java.time.Duration;

/**
 * Matching: deadlines, the batch window, sharding and the score weights (docs/operations.md).
 * {@code maxDistanceKm} bounds what a request may ask for; {@code defaultEta} is the estimate
 * for a topic that has no matches yet; {@code statusPushInterval} spaces a shard's rounds of
 * queue positions pushed to waiting clients, and {@code statusPushesPerRound} bounds one round.
 * A request is offered only while its client is there: connected over the WebSocket, or, without
 * one, having polled the request within {@code clientPresent}; a client gone (no connection, no
 * poll) for {@code clientGone} has the request cancelled as {@code client_left}.
 */
public record MatchingConfig(
    Duration offerTimeout,
    Duration requestMaxWait,
    Duration parentTopicAfter,
    Duration batchWindow,
    int shards,
    Duration sweepInterval,
    int candidatesPerRequest,
    int maxBatchRequests,
    double maxDistanceKm,
    Duration defaultEta,
    Duration statusPushInterval,
    int statusPushesPerRound,
    Duration clientGone,
    Duration clientPresent,
    Weights weights) {
  public static MatchingConfig from(ConfigReader r) {
    return new MatchingConfig(
        Duration.ofSeconds(r.intBetween("offerTimeoutSeconds", 1, 3600)),
        Duration.ofSeconds(r.intBetween("requestMaxWaitSeconds", 1, 24 * 3600)),
        Duration.ofSeconds(r.intBetween("parentTopicAfterSeconds", 0, 24 * 3600)),
        Duration.ofMillis(r.intBetween("batchWindowMs", 1, 1000)),
        r.intBetween("shards", 1, 1024),
        Duration.ofMillis(r.intBetween("sweepIntervalMs", 100, 60_000)),
        r.intBetween("candidatesPerRequest", 1, 100),
        r.intBetween("maxBatchRequests", 1, 10_000),
        r.doubleBetween("maxDistanceKm", 1, 20_000),
        Duration.ofSeconds(r.intBetween("defaultEtaSeconds", 1, 24 * 3600)),
        Duration.ofMillis(r.intBetween("statusPushIntervalMs", 0, 60_000)),
        r.intBetween("statusPushesPerRound", 1, 1_000_000),
        Duration.ofSeconds(r.intBetween("clientGoneSeconds", 1, 3600)),
        Duration.ofSeconds(r.intBetween("clientPresentSeconds", 1, 3600)),
        Weights.from(r.section("weights")));
  }
}
