package io.tandem.wire;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A JSON object from a user, read field by field. Every accessor either returns a value that meets
 * its bounds or throws {@link ApiError#badRequest} with a message that names the field, so handlers
 * never see half-valid input.
 */
public final class JsonInput {
  private final JsonObject json;
  private final String prefix;

  private JsonInput(JsonObject json, String prefix) {
    this.json = json;
    this.prefix = prefix;
  }

  public static JsonInput of(JsonObject json) {
    return new JsonInput(json, "");
  }

  /** Parses a request body; anything but one JSON object is a bad request. */
  public static JsonInput parse(Buffer body) {
    if (body == null || body.length() == 0) {
      throw ApiError.badRequest("the body must be a JSON object, and it is empty");
    }
    Object value;
    try {
      value = body.toJsonValue();
    } catch (DecodeException e) {
      throw ApiError.badRequest("the body is not valid JSON");
    }
    if (!(value instanceof JsonObject object)) {
      throw ApiError.badRequest("the body must be a JSON object");
    }
    return of(object);
  }

  public JsonObject json() {
    return json;
  }

  public String requiredString(String field, int minLength, int maxLength) {
    return optionalString(field, minLength, maxLength).orElseThrow(() -> missing(field));
  }

  /** A string field, trimmed; absent or JSON null is empty. Control characters are refused. */
  public Optional<String> optionalString(String field, int minLength, int maxLength) {
    Object value = json.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String raw)) {
      throw invalid(field, "must be a string");
    }
    String text = raw.strip();
    int length = text.codePointCount(0, text.length());
    if (length < minLength) {
      throw invalid(field, minLength == 1 ? "must not be empty" : "must be at least " + minLength + " characters");
    }
    if (length > maxLength) {
      throw invalid(field, "must be at most " + maxLength + " characters");
    }
    if (text.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
      throw invalid(field, "must not contain control characters");
    }
    return Optional.of(text);
  }

  public int requiredInt(String field, int min, int max) {
    return optionalInt(field, min, max).orElseThrow(() -> missing(field));
  }

  public Optional<Integer> optionalInt(String field, int min, int max) {
    Object value = json.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
      throw invalid(field, "must be a whole number");
    }
    double n = number.doubleValue();
    if (n < min || n > max) {
      throw invalid(field, "must be between " + min + " and " + max);
    }
    return Optional.of(number.intValue());
  }

  public double requiredDouble(String field, double min, double max) {
    return optionalDouble(field, min, max).orElseThrow(() -> missing(field));
  }

  /** {@code field}, a topic like {@code career.interview}; anything else is a bad request naming the field, with the rule. */
  public Topic requiredTopic(String field) {
    String name = requiredString(field, 1, Topic.MAX_LENGTH);
    return Topic.parse(name)
        .orElseThrow(() -> invalid(field, "'" + name + "' is not a topic: lowercase dotted words, most general first, like career.interview"));
  }

  /** {@code field}, one of the modes; anything else is a bad request naming the field and the modes. */
  public Mode requiredMode(String field) {
    String name = requiredString(field, 1, 16);
    return Mode.fromWire(name).orElseThrow(() -> invalid(field, "'" + name + "' is not a mode; the modes are chat, video and in_person"));
  }

  /** {@code field} as {@code {"lat": .., "lng": ..}}; out-of-range values are a bad request naming the field. */
  public GeoPoint requiredLocation(String field) {
    return location(requiredObject(field));
  }

  /** As {@link #requiredLocation(String)}, a missing one answered with {@code why} ("is required for ..."). */
  public GeoPoint requiredLocation(String field, String why) {
    return optionalLocation(field).orElseThrow(() -> invalid(field, why));
  }

  public Optional<GeoPoint> optionalLocation(String field) {
    return optionalObject(field).map(JsonInput::location);
  }

  private static GeoPoint location(JsonInput location) {
    return new GeoPoint(location.requiredDouble("lat", -90, 90), location.requiredDouble("lng", -180, 180));
  }

  public Optional<Double> optionalDouble(String field, double min, double max) {
    Object value = json.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())) {
      throw invalid(field, "must be a number");
    }
    double n = number.doubleValue();
    if (n < min || n > max) {
      throw invalid(field, "must be between " + min + " and " + max);
    }
    return Optional.of(n);
  }

  public JsonInput requiredObject(String field) {
    return optionalObject(field).orElseThrow(() -> missing(field));
  }

  public Optional<JsonInput> optionalObject(String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof JsonObject object)) {
      throw invalid(field, "must be an object");
    }
    return Optional.of(new JsonInput(object, name(field) + "."));
  }

  /** A list of at most {@code maxItems} objects, each read with its place in errors ({@code weekly[2].from}); empty when absent. */
  public List<JsonInput> optionalObjects(String field, int maxItems) {
    Object value = json.getValue(field);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw invalid(field, "must be a list of objects");
    }
    if (array.size() > maxItems) {
      throw invalid(field, "must hold at most " + maxItems + " items");
    }
    List<JsonInput> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject object)) {
        throw invalid(field, "must hold only objects; item " + i + " is not one");
      }
      items.add(new JsonInput(object, name(field) + "[" + i + "]."));
    }
    return items;
  }

  /** As {@link #optionalObjects}, but the list must be there (it may be empty). */
  public List<JsonInput> requiredObjects(String field, int maxItems) {
    if (json.getValue(field) == null) {
      throw missing(field);
    }
    return optionalObjects(field, maxItems);
  }

  /** This object's place in the request, for errors about it as a whole ({@code weekly[2]}). */
  public String path() {
    return prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
  }

  /** A list of strings, each trimmed and between 1 and {@code maxItemLength} characters. */
  public List<String> requiredStrings(String field, int minItems, int maxItems, int maxItemLength) {
    return optionalStrings(field, minItems, maxItems, maxItemLength).orElseThrow(() -> missing(field));
  }

  public Optional<List<String>> optionalStrings(String field, int minItems, int maxItems, int maxItemLength) {
    Object value = json.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof JsonArray array)) {
      throw invalid(field, "must be a list of strings");
    }
    if (array.size() < minItems) {
      throw invalid(field, "must hold at least " + minItems + (minItems == 1 ? " item" : " items"));
    }
    if (array.size() > maxItems) {
      throw invalid(field, "must hold at most " + maxItems + " items");
    }
    List<String> items = new ArrayList<>(array.size());
    for (Object item : array) {
      if (!(item instanceof String s) || s.isBlank()) {
        throw invalid(field, "must hold only non-empty strings");
      }
      String text = s.strip();
      if (text.length() > maxItemLength) {
        throw invalid(field, "must hold strings of at most " + maxItemLength + " characters");
      }
      items.add(text);
    }
    return Optional.of(List.copyOf(items));
  }

  /** A bad-request error about one field, for checks that only the caller can make. */
  public ApiError invalid(String field, String problem) {
    return ApiError.badRequest(name(field) + " " + problem);
  }

  private ApiError missing(String field) {
    return ApiError.badRequest(name(field) + " is required");
  }

  private String name(String field) {
    return prefix + field;
  }
}
