package io.tandem.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.kernel.SessionStatus;
import java.util.EnumMap;
import java.util.Map;

/**
 * How sessions end, for {@code /metrics}: counted once the ending has committed, by whichever node
 * committed it (a participant's, or the one whose sweep closed the session), so that the nodes of
 * a cluster add up to each session once.
 */
public final class SessionMetrics {
  private final Map<SessionStatus, Counter> ended = new EnumMap<>(SessionStatus.class);
  private final Counter expertNoShows;
  private final Counter clientNoShows;
  private final Counter started;

  public SessionMetrics(MeterRegistry registry) {
    for (SessionStatus status : SessionStatus.values()) {
      if (status != SessionStatus.WAITING && status != SessionStatus.ACTIVE) {
        ended.put(status, Counter.builder("tandem.sessions.ended").tag("outcome", status.wireName())
            .description("sessions ended, by outcome").register(registry));
      }
    }
    this.expertNoShows = noShows(registry, "expert");
    this.clientNoShows = noShows(registry, "client");
    this.started = Counter.builder("tandem.sessions.started").description("sessions both participants joined").register(registry);
  }

  private static Counter noShows(MeterRegistry registry, String side) {
    return Counter.builder("tandem.no.shows").tag("side", side)
        .description("people who did not join a session they had asked for or accepted, by side").register(registry);
  }

  void started() {
    started.increment();
  }

  /** A session ended as {@code status}; a both-sides no-show counts one no-show on each side. */
  void ended(SessionStatus status) {
    Counter outcome = ended.get(status);
    if (outcome == null) {
      throw new IllegalArgumentException("a session does not end as " + status);
    }
    outcome.increment();
    if (status == SessionStatus.EXPERT_NO_SHOW || status == SessionStatus.BOTH_NO_SHOW) {
      expertNoShows.increment();
    }
    if (status == SessionStatus.CLIENT_NO_SHOW || status == SessionStatus.BOTH_NO_SHOW) {
      clientNoShows.increment();
    }
  }
}
