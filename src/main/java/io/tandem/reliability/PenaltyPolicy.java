package io.tandem.reliability;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The reliability policy of DESIGN.md, in plain Java with the clock passed in: what an offence
 * costs, whether it is waived as the first in the window, whether it suspends, and the
 * reliability score that ranks experts.
 */
public final class PenaltyPolicy {
  private final PenaltyConfig config;

  public PenaltyPolicy(PenaltyConfig config) {
    this.config = config;
  }

  /** A penalty already on record. */
  public record Past(int points, boolean waived, Instant at) {}

  /** What a new offence becomes. */
  public record Decision(int points, boolean waived, Optional<Instant> suspendUntil) {}

  /** The window penalties count in ({@code penalties.windowDays}): every query of a person's record reads this far back. */
  public java.time.Duration window() {
    return config.window();
  }

  /** Points of an offence; an expert no-show and a client no-show are priced apart. */
  public int points(PenaltyKind kind, boolean expert) {
    return switch (kind) {
      case OFFER_TIMEOUT -> config.offerTimeoutPoints();
      case NO_SHOW -> expert ? config.expertNoShowPoints() : config.clientNoShowPoints();
      case LATE -> config.latePoints();
      case EXPERT_LEFT -> config.expertLeftPoints();
      case BOOKING_CANCELLED -> config.bookingCancelledPoints();
      case ABANDONED -> 0;
    };
  }

  /**
   * Decides a new offence given the person's record: the first in the window is recorded but
   * waived; otherwise its points count, and once the window's unwaived points reach
   * {@code suspendAtPoints} the person is suspended for {@code suspendHours} from now.
   */
  public Decision decide(PenaltyKind kind, boolean expert, List<Past> record, Instant now) {
    int points = points(kind, expert);
    List<Past> inWindow = window(record, now);
    boolean waived = config.waiveFirstOffence() && inWindow.isEmpty();
    if (waived) {
      return new Decision(points, true, Optional.empty());
    }
    int total = points + inWindow.stream().filter(p -> !p.waived()).mapToInt(Past::points).sum();
    Optional<Instant> suspendUntil = points > 0 && total >= config.suspendAtPoints()
        ? Optional.of(now.plus(config.suspension()))
        : Optional.empty();
    return new Decision(points, false, suspendUntil);
  }

  /** 1 with a clean record, falling to 0 as the window's unwaived points reach the suspension threshold. */
  public double reliability(List<Past> record, Instant now) {
    return reliability(window(record, now).stream().filter(p -> !p.waived()).mapToInt(Past::points).sum());
  }

  /** Whether this many unwaived points in the window keep someone suspended. */
  public boolean suspends(long windowPoints) {
    return windowPoints >= config.suspendAtPoints();
  }

  /** The reliability of someone with this many unwaived points in the window. */
  public double reliability(long windowPoints) {
    return Math.max(0, 1 - (double) windowPoints / config.suspendAtPoints());
  }

  private List<Past> window(List<Past> record, Instant now) {
    Instant from = now.minus(config.window());
    return record.stream().filter(p -> p.at().isAfter(from)).toList();
  }
}
