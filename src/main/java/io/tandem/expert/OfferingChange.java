package io.tandem.expert;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.wire.ApiError;
import io.tandem.wire.JsonInput;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@code presence.online} frame or a profile body says of an {@link Offering}, each field
 * checked and each one that may be left out optional: what the edges read, and what the services
 * complete with the expert's saved profile ({@link #over}).
 */
public record OfferingChange(Optional<List<Topic>> topics, Optional<List<Mode>> modes, Optional<GeoPoint> location, Optional<Integer> capacity) {
  /** Reads the fields of {@code body}; a field that is there and wrong is a bad request naming it. Called by the edges only. */
  public static OfferingChange read(JsonInput body) {
    Optional<List<String>> topicNames = body.optionalStrings("topics", 1, Offering.MAX_TOPICS, Topic.MAX_LENGTH);
    Optional<List<String>> modeNames = body.optionalStrings("modes", 1, Mode.values().length, 16);
    Optional<GeoPoint> location = body.optionalLocation("location");
    Optional<Integer> capacity = body.optionalInt("capacity", 1, Offering.MAX_CAPACITY);
    return new OfferingChange(topicNames.map(names -> topics(body, names)), modeNames.map(names -> modes(body, names)), location, capacity);
  }

  /** The offering this change makes of {@code defaults} (the saved profile's): a bad request names what is still missing. */
  public Offering over(Optional<Offering> defaults) {
    List<Topic> offered = topics.or(() -> defaults.map(Offering::topics)).orElseThrow(() -> missing("topics"));
    List<Mode> ways = modes.or(() -> defaults.map(Offering::modes)).orElseThrow(() -> missing("modes"));
    Optional<GeoPoint> where = location.or(() -> defaults.flatMap(Offering::location));
    if (ways.contains(Mode.IN_PERSON) && where.isEmpty()) {
      throw ApiError.badRequest("location is required when you offer in_person: where clients meet you");
    }
    return new Offering(offered, ways, where, capacity.or(() -> defaults.map(Offering::capacity)).orElse(1));
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

  private static ApiError missing(String field) {
    return ApiError.badRequest(field + " is required (or save an expert profile with PUT /api/v1/experts/me first)");
  }
}
