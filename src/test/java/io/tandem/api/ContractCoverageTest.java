package io.tandem.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.testing.Contract;
import io.tandem.testing.RunningNode;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestConfig;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The OpenAPI document and the router describe the same HTTP API: no route undocumented, no documented route missing. */
class ContractCoverageTest {
  private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  /**
   * Routes that are not part of the API, each with the reason. Pathless routes (the call timeout,
   * the Date header, the body handler, the failure handler) are middleware, not endpoints, and
   * have no methods: they are left out by construction.
   */
  private static final Map<String, String> NOT_DOCUMENTED = Map.of(
      "GET /admin", "the web app: the operator console page (a reroute to /admin.html), not an API call",
      "GET,HEAD regex", "the web app's static files (every GET or HEAD outside /api/, /ws, /health, /ready, /metrics): pages and"
          + " the SDK, not API calls; OpenAPI lists them under x-not-described");
  // GET /ws is not a route of the router at all: the HTTP server hands WebSocket handshakes to the
  // gateway before routing. The AsyncAPI document describes it.

  private static RunningNode node;

  @BeforeAll
  static void start() {
    // Seeding is mounted only when enabled; enabled here, so that its route is held to the document too.
    node = RunningNode.start(TestConfig.with(Map.of("loadTest.seedEnabled", "true")));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  @DisplayName("every route of the router is in the OpenAPI document with its methods, and every documented operation is routed")
  void routesAndDocumentAgree() {
    Set<String> routed = new TreeSet<>();
    Set<String> excluded = new TreeSet<>();
    for (Route route : node.node().router().getRoutes()) {
      Set<HttpMethod> methods = route.methods();
      if (methods == null || methods.isEmpty()) {
        continue;
      }
      if (route.getPath() == null) { // a regex route; routes with :parameters keep their path
        String key = String.join(",", new TreeSet<>(methods.stream().map(HttpMethod::name).toList())) + " regex";
        // WebAppRoutes asks for GET and HEAD; the key holds the methods the route reports.
        assertThat(NOT_DOCUMENTED).as("a regex route that is neither documented nor excluded with a reason: " + key).containsKey(key);
        excluded.add(key);
        continue;
      }
      for (HttpMethod method : methods) {
        String key = method.name() + " " + openApiPath(route.getPath());
        if (NOT_DOCUMENTED.containsKey(key)) {
          excluded.add(key);
        } else {
          routed.add(key);
        }
      }
    }
    Set<String> documented = new TreeSet<>();
    Contract.openApi().document().get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
      if (HTTP_METHODS.contains(method)) {
        documented.add(method.toUpperCase() + " " + path.getKey());
      }
    }));

    assertThat(excluded).as("every exclusion still matches a route").isEqualTo(NOT_DOCUMENTED.keySet());
    Set<String> undocumented = new TreeSet<>(routed);
    undocumented.removeAll(documented);
    Set<String> unrouted = new TreeSet<>(documented);
    unrouted.removeAll(routed);
    assertThat(undocumented).as("routes the OpenAPI document does not describe").isEmpty();
    assertThat(unrouted).as("documented operations the router does not have").isEmpty();
    assertThat(routed).as("the whole API, as a sanity check of the reading").contains(
        "GET /health", "POST /api/v1/requests", "DELETE /api/v1/requests/{id}", "POST /api/v1/admin/penalties/{id}/waive",
        "GET /api/openapi.json", "GET /api/asyncapi.json", "POST /api/v1/loadtest/seed");
  }

  @Test
  @DisplayName("each operation has an id, its path parameters declared, and every response schema compiles with its references resolved")
  void operationsAreWellFormed() {
    Contract api = Contract.openApi();
    assertThat(api.document().get("openapi").asText()).isEqualTo("3.1.0");
    Set<String> ids = new TreeSet<>();
    List<String> problems = new ArrayList<>();
    api.document().get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
      String where = operation.getKey().toUpperCase() + " " + path.getKey();
      JsonNode op = operation.getValue();
      if (!ids.add(op.path("operationId").asText())) {
        problems.add(where + ": operationId missing or repeated");
      }
      for (String param : pathParameters(path.getKey())) {
        boolean declared = false;
        for (JsonNode p : op.path("parameters")) {
          declared |= "path".equals(p.path("in").asText()) && param.equals(p.path("name").asText()) && p.path("required").asBoolean();
        }
        if (!declared) {
          problems.add(where + ": path parameter " + param + " is not declared as required");
        }
      }
      op.path("responses").fields().forEachRemaining(response -> {
        JsonNode resolved = api.resolved(Contract.pointer("paths", path.getKey(), operation.getKey(), "responses", response.getKey()));
        if (!resolved.hasNonNull("description")) {
          problems.add(where + " " + response.getKey() + ": no description");
        }
        if (resolved.path("content").has("application/json")) {
          String schema = Contract.pointer("paths", path.getKey(), operation.getKey(), "responses", response.getKey(), "content", "application/json", "schema");
          api.violations(schema, "{}"); // compiles, references resolved
        }
        int status = Integer.parseInt(response.getKey());
        if (status >= 400 && !resolved.path("content").path("application/json").path("schema").toString().contains("\"error\"")) {
          problems.add(where + " " + status + ": an error status without the error envelope");
        }
      });
      if (!op.path("responses").has("500") || !op.path("responses").has("503")) {
        problems.add(where + ": 500 and 503 can answer any call and must be documented");
      }
    }));
    assertThat(problems).isEmpty();
  }

  @Test
  @DisplayName("GET /api/openapi.json and /api/asyncapi.json serve the documents without a token, as JSON, cacheable and revalidated by ETag")
  void documentsAreServed() throws Exception {
    for (String[] doc : new String[][] {{"/api/openapi.json", "contract/openapi.json", "openapi"}, {"/api/asyncapi.json", "contract/asyncapi.json", "asyncapi"}}) {
      Response served = node.http().get(doc[0]);
      assertThat(served.status()).isEqualTo(200);
      assertThat(served.header("Content-Type")).startsWith("application/json");
      assertThat(served.header("Cache-Control")).contains("public").contains("max-age=");
      assertThat(served.header("Date")).as("like every /api/ answer").isNotNull();
      assertThat(served.text()).isEqualTo(resource(doc[1]));
      assertThat(new JsonObject(served.text()).containsKey(doc[2])).isTrue();
      String etag = served.header("ETag");
      assertThat(etag).startsWith("\"").endsWith("\"");

      HttpResponse<String> again = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.node().httpPort() + doc[0]))
          .header("If-None-Match", etag).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(again.statusCode()).as("revalidation with the ETag").isEqualTo(304);
      assertThat(again.body()).isEmpty();
    }
    assertThat(Contract.asyncApi().document().get("asyncapi").asText()).isEqualTo("3.0.0");
  }

  /** Vert.x writes a path parameter {@code :id}, OpenAPI {@code {id}}. */
  static String openApiPath(String routePath) {
    return routePath.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
  }

  private static List<String> pathParameters(String path) {
    List<String> names = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** A document as the build put it on the classpath. */
  static String resource(String name) throws IOException {
    try (InputStream in = ContractCoverageTest.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
