package io.tandem.matching;

import io.tandem.kernel.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Estimated wait per topic: an exponentially weighted average of recent time-to-match, times the
 * number of "rounds" ahead of a request (its position over the experts free for the topic).
 * Plain Java, no clock of its own.
 */
public final class EtaEstimator {
  /** Weight of the newest observation; 0.2 forgets an old burst within about ten matches. */
  private static final double ALPHA = 0.2;

  private final Duration defaultEta;
  private final Map<Topic, Double> averageSeconds = new HashMap<>();

  public EtaEstimator(Duration defaultEta) {
    this.defaultEta = defaultEta;
  }

  public void recordMatch(Topic topic, Duration timeToMatch) {
    double seconds = Math.max(0, timeToMatch.toMillis() / 1000.0);
    averageSeconds.merge(topic, seconds, (old, now) -> old + ALPHA * (now - old));
  }

  /** Seconds until a request at {@code position} (1-based) is likely matched. */
  public long estimateSeconds(Topic topic, int position, int freeExperts) {
    double perRound = averageSeconds.getOrDefault(topic, (double) defaultEta.toSeconds());
    int rounds = (int) Math.ceil((double) Math.max(1, position) / Math.max(1, freeExperts));
    return Math.max(1, Math.round(perRound * rounds));
  }
}
