package io.tandem.matching;

import io.tandem.kernel.Topic;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;

/**
 * A shard's {@code request.status} pushes: to every client whose status, position or (stepped) ETA
 * changed, at most once per {@code matching.statusPushIntervalMs}. A round walks the whole queue,
 * and rounds on every event made the work grow with the square of the queue, which stalled a shard
 * once a queue formed. Changes in between wait for the next round, and so does what did not fit in
 * one ({@code matching.statusPushesPerRound}, see {@link QueueStanding#changed}). Each round also
 * samples the queues for the {@code /metrics} gauges.
 *
 * <p>Runs on its shard's event loop, as the shard does.
 */
final class StandingPushes {
  private final Vertx vertx;
  private final int shard;
  private final MatchingConfig config;
  private final Matchmaker matchmaker;
  private final QueueStanding standing;
  private final MatchingEvents events;
  private final MatchingMetrics metrics;
  private boolean scheduled;
  private long lastRound;
  private boolean stopped;

  StandingPushes(Vertx vertx, int shard, MatchingConfig config, Matchmaker matchmaker, QueueStanding standing, MatchingEvents events,
      MatchingMetrics metrics) {
    this.vertx = vertx;
    this.shard = shard;
    this.config = config;
    this.matchmaker = matchmaker;
    this.standing = standing;
    this.events = events;
    this.metrics = metrics;
  }

  /** Something changed: a round now, or at the end of the current interval. */
  void push() {
    if (stopped || scheduled) {
      return;
    }
    long wait = lastRound + config.statusPushInterval().toMillis() - System.currentTimeMillis();
    if (wait <= 0) {
      round();
      return;
    }
    scheduled = true;
    vertx.setTimer(wait, t -> {
      scheduled = false;
      round();
    });
  }

  /** The shard stopped: no more rounds, and its queues no longer count in the gauges. */
  void stop() {
    stopped = true;
    metrics.queues(shard, Map.of());
  }

  private void round() {
    if (stopped) {
      return;
    }
    lastRound = System.currentTimeMillis();
    sampleQueues();
    for (QueueStanding.Standing changed : standing.changed()) {
      events.requestStatus(changed.client(), changed);
    }
    if (standing.behind()) {
      push();
    }
  }

  /** The queue of each topic root, for the {@code /metrics} gauges. */
  private void sampleQueues() {
    Map<String, MatchingMetrics.QueueSample> byRoot = new HashMap<>();
    for (Topic topic : matchmaker.queuedTopics()) {
      matchmaker.front(topic).ifPresent(front -> byRoot.merge(metrics.tag(topic),
          new MatchingMetrics.QueueSample(matchmaker.depth(topic), front.queuedAt()),
          (a, b) -> new MatchingMetrics.QueueSample(a.depth() + b.depth(),
              a.oldestQueuedAt().isBefore(b.oldestQueuedAt()) ? a.oldestQueuedAt() : b.oldestQueuedAt())));
    }
    metrics.queues(shard, byRoot);
  }
}
