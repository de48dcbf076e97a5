package io.tandem.matching;

import io.tandem.config.TandemConfig.MatchingConfig;
import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.wire.JsonInput;
import java.time.Duration;
import java.util.Optional;

/** A validated {@code POST /api/v1/requests} body (or {@code request.create} frame). */
public record NewRequest(Topic topic, Mode mode, GeoPoint location, Double maxDistanceKm, String brief, Duration maxWait) {
  public static final int MAX_BRIEF_LENGTH = 500;
  public static final int MIN_WAIT_SECONDS = 1;

  public static NewRequest from(JsonInput body, MatchingConfig config) {
    String topicName = body.requiredString("topic", 1, Topic.MAX_LENGTH);
    Topic topic = Topic.parse(topicName)
        .orElseThrow(() -> body.invalid("topic", "'" + topicName + "' is not a topic: lowercase dotted words, most general first, like career.interview"));
    String modeName = body.requiredString("mode", 1, 16);
    Mode mode = Mode.fromWire(modeName)
        .orElseThrow(() -> body.invalid("mode", "'" + modeName + "' is not a mode; the modes are chat, video and in_person"));
    GeoPoint location = body.requiredLocation("location");
    Optional<Double> maxDistanceKm = body.optionalDouble("maxDistanceKm", 0.1, config.maxDistanceKm());
    if (mode == Mode.IN_PERSON && maxDistanceKm.isEmpty()) {
      throw body.invalid("maxDistanceKm", "is required for in_person requests");
    }
    String brief = body.optionalString("brief", 0, MAX_BRIEF_LENGTH).orElse("");
    int maxWaitLimit = (int) config.requestMaxWait().toSeconds();
    int maxWait = body.optionalInt("maxWaitSeconds", Math.min(MIN_WAIT_SECONDS, maxWaitLimit), maxWaitLimit).orElse(maxWaitLimit);
    return new NewRequest(topic, mode, location, maxDistanceKm.orElse(null), brief, Duration.ofSeconds(maxWait));
  }
}
