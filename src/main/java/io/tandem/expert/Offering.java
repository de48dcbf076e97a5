package io.tandem.expert;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.wire.JsonInput;
import java.util.List;
import java.util.Optional;

/**
 * What an expert offers: topics, modes, where they are and how many sessions they take at once.
 * Read from a profile body, or from {@code presence.online} with the profile as defaults ({@link OfferingChange}). The
 * location is where in-person clients meet them: required when they offer {@code in_person},
 * optional otherwise (where given it ranks them for nearby clients).
 */
public record Offering(List<Topic> topics, List<Mode> modes, Optional<GeoPoint> location, int capacity) {
  public static final int MAX_TOPICS = 20;
  public static final int MAX_CAPACITY = 10;

  /** Reads every field; the ones {@code defaults} has may be left out ({@link OfferingChange}). Called by the edges only. */
  public static Offering from(JsonInput body, Optional<Offering> defaults) {
    return OfferingChange.read(body).over(defaults);
  }

  /** Whether a request or booking of {@code topic} by {@code mode} is theirs to take: the mode, and the topic or a parent of it (as matching offers it). */
  public boolean covers(Topic topic, Mode mode) {
    if (!modes.contains(mode)) {
      return false;
    }
    for (Optional<Topic> t = Optional.of(topic); t.isPresent(); t = t.get().parent()) {
      if (topics.contains(t.get())) {
        return true;
      }
    }
    return false;
  }
}
