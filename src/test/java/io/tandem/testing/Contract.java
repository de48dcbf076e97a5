package io.tandem.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * One of the contract documents ({@code src/main/resources/contract/}), with its JSON Schemas
 * ready to validate values. Local {@code $ref}s are inlined before a schema is compiled, so any
 * node of the document (a response, a message payload) is a self-contained schema. Schemas are
 * JSON Schema 2020-12 (OpenAPI 3.1's dialect; the AsyncAPI payloads use its draft-07 subset), with
 * {@code format} asserted (uuid, date-time).
 */
public final class Contract {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
  private static volatile Contract openApi;
  private static volatile Contract asyncApi;

  private final String name;
  private final JsonNode document;
  private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();

  private Contract(String name, JsonNode document) {
    this.name = name;
    this.document = document;
  }

  /** What a leaked internal looks like in an error message meant for people. */
  private static final Pattern LEAK = Pattern.compile("Exception|\\bat [a-z]+\\.[a-z]+\\.|io\\.vertx|org\\.postgresql|SQLSTATE|\\bSELECT\\b|\\bINSERT\\b");

  /** Whether an error message (HTTP or WebSocket) shows an internal: a stack frame, a class, SQL. */
  public static boolean leaksInternals(String message) {
    return LEAK.matcher(message).find();
  }

  public static Contract openApi() {
    if (openApi == null) {
      openApi = load("contract/openapi.json");
    }
    return openApi;
  }

  public static Contract asyncApi() {
    if (asyncApi == null) {
      asyncApi = load("contract/asyncapi.json");
    }
    return asyncApi;
  }

  private static Contract load(String resource) {
    try (InputStream in = Contract.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the classpath");
      }
      return new Contract(resource, JSON.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonNode document() {
    return document;
  }

  /**
   * The node at a JSON pointer, followed through {@code $ref}s on the way (a response that is a
   * reference to {@code components/responses}, say), with every local {@code $ref} in it inlined;
   * missing node when there is none.
   */
  public JsonNode resolved(String pointer) {
    JsonNode node = document;
    if (!pointer.isEmpty()) {
      for (String token : pointer.substring(1).split("/", -1)) {
        JsonNode at = follow(node);
        node = at.isArray() ? at.path(Integer.parseInt(token)) : at.path(unescape(token));
        if (node.isMissingNode()) {
          return node;
        }
      }
    }
    return inline(node, 0);
  }

  private JsonNode follow(JsonNode node) {
    for (int hops = 0; node.isObject() && node.path("$ref").isTextual() && node.path("$ref").asText().startsWith("#/"); hops++) {
      if (hops > 16) {
        throw new IllegalStateException(name + ": a $ref cycle");
      }
      node = document.at(node.get("$ref").asText().substring(1));
    }
    return node;
  }

  private static String unescape(String token) {
    return token.replace("~1", "/").replace("~0", "~");
  }

  /** A JSON pointer from its unescaped tokens: {@code pointer("paths", "/api/v1/me", "get")}. */
  public static String pointer(String... tokens) {
    StringBuilder pointer = new StringBuilder();
    for (String token : tokens) {
      pointer.append('/').append(token.replace("~", "~0").replace("/", "~1"));
    }
    return pointer.toString();
  }

  /** What is wrong with {@code value} (a JSON text) by the schema at {@code schemaPointer}; empty when it conforms. */
  public List<String> violations(String schemaPointer, String value) {
    JsonSchema schema = compiled.computeIfAbsent(schemaPointer, p -> {
      JsonNode node = resolved(p);
      if (node.isMissingNode()) {
        throw new AssertionError(name + " has no schema at " + p);
      }
      return SCHEMAS.getSchema(node, CONFIG);
    });
    JsonNode parsed;
    try {
      parsed = JSON.readTree(value);
    } catch (IOException e) {
      return List.of("not JSON: " + e.getMessage());
    }
    if (parsed == null || parsed.isMissingNode()) {
      return List.of("not JSON: empty");
    }
    return schema.validate(parsed).stream().map(ValidationMessage::getMessage).sorted().toList();
  }

  private JsonNode inline(JsonNode node, int depth) {
    if (depth > 64) {
      throw new IllegalStateException(name + ": $ref nesting deeper than 64; a cycle?");
    }
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.isTextual() && ref.asText().startsWith("#/")) {
        JsonNode target = document.at(ref.asText().substring(1));
        if (target.isMissingNode()) {
          throw new IllegalStateException(name + ": $ref " + ref.asText() + " points nowhere");
        }
        JsonNode resolved = inline(target, depth + 1);
        if (node.size() == 1) {
          return resolved;
        }
        // Siblings of $ref (a description, say) stay beside it, as 2020-12 reads them.
        ObjectNode merged = JSON.createObjectNode();
        merged.putArray("allOf").add(resolved);
        node.fields().forEachRemaining(f -> {
          if (!"$ref".equals(f.getKey())) {
            merged.set(f.getKey(), inline(f.getValue(), depth + 1));
          }
        });
        return merged;
      }
      ObjectNode copy = JSON.createObjectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        copy.set(field.getKey(), inline(field.getValue(), depth + 1));
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JSON.createArrayNode();
      node.forEach(item -> copy.add(inline(item, depth + 1)));
      return copy;
    }
    return node == null ? MissingNode.getInstance() : node;
  }
}
