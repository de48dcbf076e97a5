package io.tandem.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Values from the JSON Schemas of the contract documents, for the property tests of both: valid
 * ones (what a schema accepts), and valid bodies broken one way at a time (a required field
 * dropped, a wrong type, out of range, a huge string, odd text).
 */
public final class SchemaValues {
  private SchemaValues() {}

  // ---- values from JSON Schemas

  /** Values the schema accepts: enums, consts, ranges, lengths and examples respected; optional properties now and then. */
  public static Arbitrary<Object> valid(JsonNode schema) {
    if (schema.has("const")) {
      return Arbitraries.just(plain(schema.get("const")));
    }
    if (schema.has("enum")) {
      List<Object> values = new ArrayList<>();
      schema.get("enum").forEach(v -> values.add(plain(v)));
      return Arbitraries.of(values);
    }
    if (schema.has("allOf")) {
      return valid(schema.get("allOf").get(0));
    }
    String type = schema.path("type").isArray() ? schema.path("type").get(0).asText() : schema.path("type").asText("object");
    return switch (type) {
      case "object" -> object(schema);
      case "array" -> {
        int min = schema.path("minItems").asInt(0);
        int max = Math.min(schema.path("maxItems").asInt(3), Math.max(min, 3));
        yield valid(schema.path("items")).list().ofMinSize(min).ofMaxSize(max).map(items -> (Object) new JsonArray(new ArrayList<>(items)));
      }
      case "integer" -> Arbitraries.longs().between(schema.path("minimum").asLong(-1000), schema.path("maximum").asLong(1000)).map(v -> (Object) v);
      case "number" -> Arbitraries.doubles().between(schema.path("minimum").asDouble(-1000), schema.path("maximum").asDouble(1000)).ofScale(4)
          .map(v -> (Object) v);
      case "boolean" -> Arbitraries.of(true, false).map(v -> (Object) v);
      default -> string(schema);
    };
  }

  private static Arbitrary<Object> object(JsonNode schema) {
    List<String> required = new ArrayList<>();
    schema.path("required").forEach(r -> required.add(r.asText()));
    List<Arbitrary<Tuple.Tuple2<String, Object>>> fields = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> property = it.next();
      Arbitrary<Tuple.Tuple2<String, Object>> value = valid(property.getValue()).map(v -> Tuple.of(property.getKey(), v));
      fields.add(required.contains(property.getKey()) ? value : Arbitraries.frequencyOf(Tuple.of(1, value), Tuple.of(1, Arbitraries.just(null))));
    }
    return Combinators.combine(fields).as(entries -> {
      JsonObject object = new JsonObject();
      entries.stream().filter(java.util.Objects::nonNull).forEach(e -> object.put(e.get1(), e.get2()));
      return (Object) object;
    });
  }

  private static Arbitrary<Object> string(JsonNode schema) {
    int min = schema.path("minLength").asInt(0);
    int max = Math.min(schema.path("maxLength").asInt(40), Math.max(min, 40));
    List<String> examples = new ArrayList<>();
    schema.path("examples").forEach(e -> examples.add(e.asText()));
    if (schema.has("pattern")) {
      // A fresh value where a random lowercase word fits the pattern (a new username, a new topic), else an example.
      Pattern pattern = Pattern.compile(schema.get("pattern").asText());
      Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(Math.max(min, 3)).ofMaxLength(Math.min(max, 12));
      return word.map(w -> (Object) (pattern.matcher(w).find() || examples.isEmpty() ? w : examples.get(Math.abs(w.hashCode()) % examples.size())));
    }
    Arbitrary<String> text = Arbitraries.strings().alpha().numeric().withChars(" .,-_") .ofMinLength(Math.max(min, 1)).ofMaxLength(max)
        .map(s -> s.isBlank() ? "x" + s : s).map(s -> s.strip().length() < min ? s + "x".repeat(min) : s)
        .map(s -> s.length() > max ? s.substring(0, max) : s);
    return (examples.isEmpty() ? text : Arbitraries.oneOf(text, Arbitraries.of(examples))).map(s -> (Object) s);
  }

  private static Object plain(JsonNode value) {
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    if (value.isIntegralNumber()) {
      return value.asLong();
    }
    return value.isNumber() ? value.asDouble() : null;
  }

  // ---- breaking valid bodies

  public static Arbitrary<JsonObject> dropRequired(JsonNode schema, JsonObject body) {
    List<String> required = new ArrayList<>();
    schema.path("required").forEach(r -> required.add(r.asText()));
    if (required.isEmpty()) {
      return Arbitraries.just(new JsonObject());
    }
    return Arbitraries.of(required).map(field -> {
      JsonObject broken = body.copy();
      broken.remove(field);
      return broken;
    });
  }

  public static Arbitrary<JsonObject> wrongType(JsonObject body) {
    if (body.isEmpty()) {
      return Arbitraries.just(body.copy().put("anything", new JsonArray()));
    }
    return Combinators.combine(Arbitraries.of(new ArrayList<>(body.fieldNames())), Arbitraries.of("text", 42, 4.5, true, new JsonArray().add(1),
            new JsonObject().put("a", "b"), -1))
        .as((field, value) -> {
          Object old = body.getValue(field);
          Object replacement = old != null && old.getClass() == value.getClass() ? (old instanceof String ? (Object) 7 : "seven") : value;
          return body.copy().put(field, replacement);
        });
  }

  public static Arbitrary<JsonObject> outOfRange(JsonNode schema, JsonObject body) {
    List<Tuple.Tuple2<String, Object>> candidates = new ArrayList<>();
    schema.path("properties").fields().forEachRemaining(p -> {
      JsonNode s = p.getValue();
      if (s.has("maximum")) {
        candidates.add(Tuple.of(p.getKey(), s.get("maximum").asDouble() + 1));
        candidates.add(Tuple.of(p.getKey(), 1e308));
      }
      if (s.has("minimum")) {
        candidates.add(Tuple.of(p.getKey(), s.get("minimum").asDouble() - 1));
      }
      if (s.has("maxLength")) {
        candidates.add(Tuple.of(p.getKey(), "y".repeat(s.get("maxLength").asInt() + 1)));
      }
      if (s.has("maxItems") || "array".equals(s.path("type").asText())) {
        JsonArray many = new JsonArray();
        for (int i = 0; i < s.path("maxItems").asInt(50) + 1; i++) {
          many.add("career");
        }
        candidates.add(Tuple.of(p.getKey(), many));
      }
      if (s.has("minLength") && s.get("minLength").asInt() > 0) {
        candidates.add(Tuple.of(p.getKey(), "   "));
      }
    });
    if (candidates.isEmpty()) {
      return Arbitraries.just(body);
    }
    return Arbitraries.of(candidates).map(c -> body.copy().put(c.get1(), c.get2()));
  }

  public static Arbitrary<JsonObject> hugeString(JsonObject body, int length) {
    List<String> fields = new ArrayList<>(body.fieldNames());
    fields.add("padding");
    return Arbitraries.of(fields).map(field -> body.copy().put(field, "z".repeat(length)));
  }

  public static Arbitrary<JsonObject> oddText(JsonObject body) {
    List<String> strings = body.fieldNames().stream().filter(f -> body.getValue(f) instanceof String).toList();
    if (strings.isEmpty()) {
      return Arbitraries.just(body);
    }
    return Combinators.combine(Arbitraries.of(strings), Arbitraries.of("nul\u0000byte", "lone \ud800 surrogate", "emoji 😀", "rtl \u202e", "new\nline",
            "<script>alert(1)</script>", "' OR 1=1 --", "\t", "\u3000ideographic space\u3000"))
        .as((field, text) -> body.copy().put(field, text));
  }
}
