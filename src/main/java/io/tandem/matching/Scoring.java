package io.tandem.matching;

import io.tandem.kernel.ExpertSnapshot;
import io.tandem.kernel.Mode;
import java.time.Duration;
import java.time.Instant;

/**
 * The score of offering a request to an expert: a weighted sum of parts that each lie in [0, 1].
 * <ul>
 *   <li>topic fit: 1 for the request's own topic, 1/2 for its parent, 1/3 for the grandparent;</li>
 *   <li>proximity: 1 at the same place, 1/2 at {@value #PROXIMITY_SCALE_KM} km; for online modes its
 *       weight fades as the request waits, which widens the search;</li>
 *   <li>rating (Bayesian average / 5), reliability, and acceptance (how often the expert takes what
 *       they are offered, {@link io.tandem.reliability.AcceptanceRate});</li>
 *   <li>fairness: how long the expert has been idle, full after {@value #FAIRNESS_FULL_SECONDS} s;</li>
 *   <li>waiting: how much of its maximum wait the request has used, so that old requests win
 *       contested experts and nobody starves.</li>
 * </ul>
 */
public final class Scoring {
  static final double PROXIMITY_SCALE_KM = 10;
  static final long FAIRNESS_FULL_SECONDS = 600;

  private final Weights weights;
  private final Duration maxWait;

  public Scoring(MatchingConfig config) {
    this.weights = config.weights();
    this.maxWait = config.requestMaxWait();
  }

  public double score(WaitingRequest request, ExpertSnapshot expert, double distanceKm, int topicLevelsUp, Instant now) {
    return forRequest(request, now).score(expert, distanceKm, topicLevelsUp);
  }

  /** The parts that depend on the request alone, computed once per request and batch. */
  public ForRequest forRequest(WaitingRequest request, Instant now) {
    double waited = Math.min(1, (double) request.waited(now).toMillis() / Math.max(1, maxWait.toMillis()));
    double proximityWeight = request.mode() == Mode.IN_PERSON ? weights.proximity() : weights.proximity() * (1 - waited);
    return new ForRequest(now.toEpochMilli(), proximityWeight, weights.waiting() * waited);
  }

  /** Scores experts for one request. */
  public final class ForRequest {
    private final long nowMillis;
    private final double proximityWeight;
    private final double waitingPart;

    private ForRequest(long nowMillis, double proximityWeight, double waitingPart) {
      this.nowMillis = nowMillis;
      this.proximityWeight = proximityWeight;
      this.waitingPart = waitingPart;
    }

    public double score(ExpertSnapshot expert, double distanceKm, int topicLevelsUp) {
      double topicFit = 1.0 / (1 + topicLevelsUp);
      double proximity = 1.0 / (1 + distanceKm / PROXIMITY_SCALE_KM);
      double idleSeconds = Math.max(0, (nowMillis - expert.idleSince().toEpochMilli()) / 1000.0);
      double fairness = Math.min(1, idleSeconds / FAIRNESS_FULL_SECONDS);
      return weights.topicFit() * topicFit
          + proximityWeight * proximity
          + weights.rating() * clamp(expert.rating() / 5)
          + weights.reliability() * clamp(expert.reliability())
          + weights.acceptance() * clamp(expert.acceptance())
          + weights.fairness() * fairness
          + waitingPart;
    }
  }

  private static double clamp(double x) {
    return Math.max(0, Math.min(1, x));
  }
}
