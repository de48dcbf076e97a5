package io.tandem.expert;

import io.tandem.auth.UserId;
import io.tandem.matching.GeoPoint;
import io.tandem.matching.Mode;
import io.tandem.matching.Topic;
import io.tandem.wire.JsonInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** What an expert offers: the defaults of {@code presence.online} and the public profile. */
public record ExpertProfile(
    UserId expertId, List<Topic> topics, List<Mode> modes, GeoPoint location, int capacity, String bio, List<String> languages) {
  public static final int MAX_TOPICS = 20;
  public static final int MAX_CAPACITY = 10;
  public static final int MAX_BIO_LENGTH = 2000;
  public static final int MAX_LANGUAGES = 10;
  /** BCP 47 language tags such as {@code en}, {@code zh-Hans}, {@code pt-BR}. */
  private static final Pattern LANGUAGE_TAG = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}");

  /** Reads a {@code PUT /api/v1/experts/me} body; every problem is a bad request naming the field. */
  public static ExpertProfile from(UserId expertId, JsonInput body) {
    Set<Topic> topics = new LinkedHashSet<>();
    for (String slug : body.requiredStrings("topics", 1, MAX_TOPICS, Topic.MAX_LENGTH)) {
      topics.add(Topic.parse(slug).orElseThrow(() -> body.invalid("topics",
          "holds '" + slug + "', which is not a topic: lowercase dotted words, most general first, like career.interview")));
    }
    Set<Mode> modes = new LinkedHashSet<>();
    for (String name : body.requiredStrings("modes", 1, Mode.values().length, 16)) {
      modes.add(Mode.fromWire(name).orElseThrow(() -> body.invalid("modes",
          "holds '" + name + "'; the modes are chat, video and in_person")));
    }
    GeoPoint location = GeoPoint.from(body.requiredObject("location"));
    int capacity = body.optionalInt("capacity", 1, MAX_CAPACITY).orElse(1);
    String bio = body.optionalString("bio", 0, MAX_BIO_LENGTH).orElse("");
    List<String> languages = body.optionalStrings("languages", 0, MAX_LANGUAGES, 20).orElse(List.of());
    for (String tag : languages) {
      if (!LANGUAGE_TAG.matcher(tag).matches()) {
        throw body.invalid("languages", "holds '" + tag + "', which is not a language tag like en or zh-Hans");
      }
    }
    return new ExpertProfile(expertId, List.copyOf(topics), List.copyOf(modes), location, capacity, bio,
        List.copyOf(new LinkedHashSet<>(languages)));
  }

  /** The owner's view, as answered by {@code PUT /api/v1/experts/me}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", expertId.toString())
        .put("topics", topicsJson())
        .put("modes", modesJson())
        .put("location", location.toJson())
        .put("capacity", capacity)
        .put("bio", bio)
        .put("languages", new JsonArray(languages));
  }

  JsonArray topicsJson() {
    return new JsonArray(topics.stream().map(Topic::value).toList());
  }

  JsonArray modesJson() {
    return new JsonArray(modes.stream().map(Mode::wireName).toList());
  }
}
