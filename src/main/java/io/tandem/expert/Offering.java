package io.tandem.expert;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.wire.JsonInput;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an expert offers: topics, modes, where they are and how many sessions they take at once.
 * Read from a profile body, or from {@code presence.online} with the profile as defaults. The
 * location is where in-person clients meet them: required when they offer {@code in_person},
 * optional otherwise (where given it ranks them for nearby clients).
 */
public record Offering(List<Topic> topics, List<Mode> modes, Optional<GeoPoint> location, int capacity) {
  public static final int MAX_TOPICS = 20;
  public static final int MAX_CAPACITY = 10;

  /** Reads every field; the ones {@code defaults} has may be left out. Problems are bad requests naming the field. */
  public static Offering from(JsonInput body, Optional<Offering> defaults) {
    Optional<List<String>> topicNames = body.optionalStrings("topics", 1, MAX_TOPICS, Topic.MAX_LENGTH);
    Optional<List<String>> modeNames = body.optionalStrings("modes", 1, Mode.values().length, 16);
    Optional<GeoPoint> location = body.optionalLocation("location");
    Optional<Integer> capacity = body.optionalInt("capacity", 1, MAX_CAPACITY);
    List<Topic> topics = topicNames.map(names -> topics(body, names)).or(() -> defaults.map(Offering::topics))
        .orElseThrow(() -> missing(body, "topics"));
    List<Mode> modes = modeNames.map(names -> modes(body, names)).or(() -> defaults.map(Offering::modes))
        .orElseThrow(() -> missing(body, "modes"));
    Optional<GeoPoint> where = location.or(() -> defaults.flatMap(Offering::location));
    if (modes.contains(Mode.IN_PERSON) && where.isEmpty()) {
      throw body.invalid("location", "is required when you offer in_person: where clients meet you");
    }
    return new Offering(topics, modes, where, capacity.or(() -> defaults.map(Offering::capacity)).orElse(1));
  }

  private static List<Topic> topics(JsonInput body, List<String> names) {
    Set<Topic> topics = new LinkedHashSet<>();
    for (String slug : names) {
      topics.add(Topic.parse(slug).orElseThrow(() -> body.invalid("topics",
          "holds '" + slug + "', which is not a topic: lowercase dotted words, most general first, like career.interview")));
    }
    return List.copyOf(topics);
  }

  private static List<Mode> modes(JsonInput body, List<String> names) {
    Set<Mode> modes = new LinkedHashSet<>();
    for (String name : names) {
      modes.add(Mode.fromWire(name).orElseThrow(() -> body.invalid("modes", "holds '" + name + "'; the modes are chat, video and in_person")));
    }
    return List.copyOf(modes);
  }

  private static RuntimeException missing(JsonInput body, String field) {
    return body.invalid(field, "is required (or save an expert profile with PUT /api/v1/experts/me first)");
  }
}
