package io.tandem.matching;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.wire.JsonInput;
import java.time.Duration;
import java.util.Optional;

/**
 * A validated {@code POST /api/v1/requests} body (or {@code request.create} frame);
 * {@code location}: required in person, optional online (where given it ranks nearer experts first);
 * {@code fallbackMode} (in person only, may be null): the mode to switch to when nobody is within range;
 * {@code expert}: the expert the client asks for (offered to them alone until the client opens it to everyone).
 */
public record NewRequest(Topic topic, Mode mode, Optional<GeoPoint> location, Double maxDistanceKm, String brief, Duration maxWait,
    Mode fallbackMode, Optional<UserId> expert) {
  public static final int MAX_BRIEF_LENGTH = 500;
  public static final int MIN_WAIT_SECONDS = 1;

  /** How far an in-person request may reach, and how long a request may wait: matching.maxDistanceKm and matching.requestMaxWaitSeconds. */
  public record Limits(double maxDistanceKm, Duration maxWait) {
    static Limits of(MatchingConfig config) {
      return new Limits(config.maxDistanceKm(), config.requestMaxWait());
    }
  }

  /** Reads and checks a request's body within {@code limits}; every problem is a bad request naming the field. Called by the edges only. */
  public static NewRequest from(JsonInput body, Limits limits) {
    Topic topic = body.requiredTopic("topic");
    Mode mode = body.requiredMode("mode");
    Optional<GeoPoint> location = mode == Mode.IN_PERSON
        ? Optional.of(body.requiredLocation("location", "is required for in_person requests: where the client can meet"))
        : body.optionalLocation("location");
    Optional<Double> maxDistanceKm = body.optionalDouble("maxDistanceKm", 0.1, limits.maxDistanceKm());
    if (mode == Mode.IN_PERSON && maxDistanceKm.isEmpty()) {
      throw body.invalid("maxDistanceKm", "is required for in_person requests");
    }
    Optional<String> fallbackName = body.optionalString("fallbackMode", 1, 16);
    Mode fallbackMode = null;
    if (fallbackName.isPresent()) {
      if (mode != Mode.IN_PERSON) {
        throw body.invalid("fallbackMode", "only an in_person request can fall back to another mode");
      }
      fallbackMode = Mode.fromWire(fallbackName.get()).filter(m -> m != Mode.IN_PERSON)
          .orElseThrow(() -> body.invalid("fallbackMode", "'" + fallbackName.get() + "' is not a fallback; it may be video or chat"));
    }
    String brief = body.optionalString("brief", 0, MAX_BRIEF_LENGTH).orElse("");
    int maxWaitLimit = (int) limits.maxWait().toSeconds();
    int maxWait = body.optionalInt("maxWaitSeconds", Math.min(MIN_WAIT_SECONDS, maxWaitLimit), maxWaitLimit).orElse(maxWaitLimit);
    Optional<UserId> expert = body.optionalString("expertId", 1, 64)
        .map(id -> UserId.parse(id).orElseThrow(() -> body.invalid("expertId", "'" + id + "' is not an expert's id")));
    return new NewRequest(topic, mode, location, maxDistanceKm.orElse(null), brief, Duration.ofSeconds(maxWait), fallbackMode, expert);
  }
}
