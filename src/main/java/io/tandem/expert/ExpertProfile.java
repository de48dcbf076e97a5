package io.tandem.expert;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.wire.JsonInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** An expert's saved profile: their default offering and what the public sees. */
public record ExpertProfile(UserId expertId, Offering offering, String bio, List<String> languages) {
  public static final int MAX_BIO_LENGTH = 2000;
  public static final int MAX_LANGUAGES = 10;
  /** BCP 47 language tags such as {@code en}, {@code zh-Hans}, {@code pt-BR}. */
  private static final Pattern LANGUAGE_TAG = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}");

  /** Reads a {@code PUT /api/v1/experts/me} body; every problem is a bad request naming the field. */
  public static ExpertProfile from(UserId expertId, JsonInput body) {
    Offering offering = Offering.from(body, Optional.empty());
    String bio = body.optionalString("bio", 0, MAX_BIO_LENGTH).orElse("");
    List<String> languages = body.optionalStrings("languages", 0, MAX_LANGUAGES, 20).orElse(List.of());
    for (String tag : languages) {
      if (!LANGUAGE_TAG.matcher(tag).matches()) {
        throw body.invalid("languages", "holds '" + tag + "', which is not a language tag like en or zh-Hans");
      }
    }
    return new ExpertProfile(expertId, offering, bio, List.copyOf(new LinkedHashSet<>(languages)));
  }

  /** The owner's view, as answered by {@code PUT /api/v1/experts/me}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", expertId.toString())
        .put("topics", topicsJson())
        .put("modes", modesJson())
        .put("location", offering.location().map(GeoPoint::toJson).orElse(null))
        .put("capacity", offering.capacity())
        .put("bio", bio)
        .put("languages", new JsonArray(languages));
  }

  JsonArray topicsJson() {
    return new JsonArray(offering.topics().stream().map(Topic::value).toList());
  }

  JsonArray modesJson() {
    return new JsonArray(offering.modes().stream().map(Mode::wireName).toList());
  }

  /** A profile from a row holding {@code expert_profiles}' columns (the repository's reads, the directory's listing). */
  public static ExpertProfile of(Row row) {
    return new ExpertProfile(
        new UserId(row.getUUID("account_id")),
        new Offering(
            Arrays.stream(row.getArrayOfStrings("topics")).map(Topic::new).toList(),
            Arrays.stream(row.getArrayOfStrings("modes")).map(m -> Mode.fromWire(m).orElseThrow()).toList(),
            GeoPoint.of(row.getDouble("lat"), row.getDouble("lng")),
            row.getInteger("capacity")),
        row.getString("bio"),
        List.of(row.getArrayOfStrings("languages")));
  }
}
