package io.tandem.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.testing.Actors.Pair;
import io.tandem.testing.Actors;
import io.tandem.testing.Contract;
import io.tandem.testing.Jwts;
import io.tandem.testing.RunningNode;
import io.tandem.testing.SchemaValues;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient.Session;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Property: whatever is sent to any operation of the OpenAPI document, valid or not, the answer is
 * never a 5xx, its status is one the document lists for that operation, and its body validates
 * against the schema documented for that status (every error status the error envelope, with the
 * code of its status). Requests are made from the document itself: bodies from the request
 * schemas, then broken (a required field dropped, a wrong type, out of range, a huge string, too
 * large a body, malformed JSON); path parameters real, unknown or garbage; tokens of the fitting
 * role, another role, none, or forged, expired, unsigned and garbage ones. The accounts, the
 * request, the completed session and the penalty the calls aim at are real.
 */
@Label("HTTP contract")
class HttpContractProperties {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String ADMIN = "contract-admin";
  private static final String ADMIN_PASSWORD = "contract-password-123";
  private static final Map<Integer, String> CODES = Map.of(400, "bad_request", 401, "unauthorized", 403, "forbidden", 404, "not_found",
      409, "conflict", 413, "too_large", 429, "rate_limited", 500, "internal", 503, "unavailable");
  private static final Set<String> NOT_GENERATED = Set.of(
      // Seeding is off here (loadTest.seedEnabled) and its whole point is bulk accounts; ContractCoverageTest holds its route to the document.
      "POST /api/v1/loadtest/seed");

  private static RunningNode node;
  private static Fixtures fixtures;
  private static List<Operation> operations;

  record Operation(String method, String template, JsonNode spec) {
    String key() {
      return method.toUpperCase() + " " + template;
    }
  }

  record Body(String kind, String text) {}

  record Call(Operation op, String auth, String authorization, String path, Map<String, String> headers, Body body) {
    @Override
    public String toString() {
      String shown = body.text() == null ? "" : " " + (body.text().length() > 300 ? body.text().substring(0, 300) + "… (" + body.text().length() + " chars)" : body.text());
      return op.method().toUpperCase() + " " + (path.length() > 300 ? path.substring(0, 300) + "…" : path) + " [auth: " + auth + ", body: " + body.kind() + "]"
          + (headers.isEmpty() ? "" : " " + headers) + shown;
    }
  }

  /** The people, ids and secrets the calls aim at. */
  record Fixtures(Map<String, String> tokens, String clientId, String expertId, String adminId, String username, String password,
      List<String> refreshTokens, String strangerId, String waitingRequest, String matchedRequest, String strangersRequest, String session,
      String penalty, String webhook, String webhookEvent, String topUp, String topic, String booking, List<JsonObject> bookingBodies) {}

  @BeforeContainer
  static void start() {
    node = RunningNode.start(TestConfig.with(Map.of("auth.admins", TestConfig.admin(ADMIN, ADMIN_PASSWORD))));
    Pair pair = Actors.matched(node);
    JsonObject session = new JsonObject().put("sessionId", pair.sessionId());
    pair.client().socket().ack("room.join", session.copy());
    pair.expert().socket().ack("room.join", session.copy());
    pair.client().socket().ack("room.send", session.copy().put("clientMsgId", "m-1").put("text", "Hello"));
    pair.client().socket().ack("session.end", session.copy());
    pair.expert().socket().ack("presence.offline", new JsonObject());
    pair.close();
    Session client = pair.client().session();
    Session stranger = node.http().signUp("client");
    String adminToken = node.http().logIn(ADMIN, ADMIN_PASSWORD);
    String adminId = node.http().get("/api/v1/me", adminToken).json().getString("id");
    String waiting = node.http().post("/api/v1/requests", Actors.request(Actors.uniqueTopic(), "chat"), client.accessToken()).json().getString("id");
    String strangers = node.http().post("/api/v1/requests", Actors.request(Actors.uniqueTopic(), "chat"), stranger.accessToken()).json().getString("id");
    String matched = node.http().get("/api/v1/sessions/" + pair.sessionId(), client.accessToken()).json().getString("requestId");
    String penalty = Sql.string("INSERT INTO penalties (user_id, kind, points, reason) VALUES (?, 'late', 1, 'joined late (contract test)') RETURNING id::text",
        UUID.fromString(pair.expert().id()));
    // A subscription to a port nothing listens on (its deliveries fail fast), with one event in its log to replay.
    String webhook = node.http().post("/api/v1/admin/webhooks", new JsonObject().put("url", "http://127.0.0.1:9/hook")
        .put("events", new io.vertx.core.json.JsonArray().add("request.cancelled")), adminToken).json().getString("id");
    // One live request per client: the one to cancel is another client's.
    Session canceller = node.http().signUp("client");
    String cancelled = node.http().post("/api/v1/requests", Actors.request(Actors.uniqueTopic(), "chat"), canceller.accessToken()).json().getString("id");
    node.http().delete("/api/v1/requests/" + cancelled, canceller.accessToken());
    String topUp = node.http().post("/api/v1/wallet/top-ups", new JsonObject().put("amount", 500), client.accessToken(),
        Map.of("Idempotency-Key", "contract-fixture")).json().getString("id");
    // A topic of this test's own to change (the shared catalogue's are other tests' too), with a child to make under it.
    String topic = Actors.uniqueTopic();
    node.http().put("/api/v1/admin/topics/" + topic, new JsonObject().put("names", new JsonObject().put("en", "Contract").put("zh-CN", "契约"))
        .put("reason", "contract fixture"), adminToken);
    String webhookEvent = node.http().get("/api/v1/admin/webhooks/" + webhook + "/deliveries", adminToken).json()
        .getJsonArray("deliveries").getJsonObject(0).getString("eventId");
    // An expert of their own who takes bookings all day (the calls change the fixture expert's hours): a
    // booking of theirs, and bodies booking their next free times.
    String bookedTopic = Actors.uniqueTopic();
    io.tandem.testing.Actors.Person bookable = io.tandem.testing.BookingFixtures.bookableExpert(node, bookedTopic);
    bookable.socket().ack("presence.offline", new JsonObject());
    bookable.close();
    List<JsonObject> bookingBodies = io.tandem.testing.BookingFixtures.slots(node.http(), bookable, java.time.Instant.now().plus(Duration.ofDays(2)))
        .stream().limit(20).map(start -> io.tandem.testing.BookingFixtures.booking(bookable, bookedTopic, start)).toList();
    String booking = node.http().post("/api/v1/bookings", bookingBodies.get(0), stranger.accessToken()).json().getString("id");
    List<String> refreshTokens = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      refreshTokens.add(node.http().post("/api/v1/tokens", new JsonObject().put("username", client.username()).put("password", "password-of-" + client.username()))
          .json().getString("refreshToken"));
    }
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("client", client.accessToken());
    tokens.put("expert", pair.expert().session().accessToken());
    tokens.put("admin", adminToken);
    tokens.put("stranger", stranger.accessToken());
    fixtures = new Fixtures(tokens, client.userId(), pair.expert().id(), adminId, client.username(), "password-of-" + client.username(),
        refreshTokens, stranger.userId(), waiting, matched, strangers, pair.sessionId(), penalty, webhook, webhookEvent, topUp, topic, booking,
        bookingBodies.subList(1, bookingBodies.size()));
    operations = new ArrayList<>();
    Contract.openApi().document().get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
      Operation operation = new Operation(op.getKey(), path.getKey(), op.getValue());
      if (!NOT_GENERATED.contains(operation.key())) {
        operations.add(operation);
      }
    }));
  }

  @AfterProperty
  void everyOperationCalledOften() {
    Map<String, Integer> made = Map.copyOf(callsMade);
    callsMade.clear();
    if (made.isEmpty()) {
      return; // another property of this class
    }
    for (Operation op : operations) {
      assertThat(made.getOrDefault(op.key(), 0)).as("calls of %s", op.key()).isGreaterThanOrEqualTo(CALLS_PER_OPERATION);
    }
  }

  @AfterContainer
  static void stop() {
    if (fixtures != null) {
      // Subscriptions the calls made would otherwise record events of every later test in this JVM.
      Sql.update("UPDATE webhook_subscriptions SET active = false WHERE source = 'admin'");
      // Whatever the calls left waiting must not be offered to the experts of later tests in this JVM.
      Sql.update("UPDATE requests SET status = 'cancelled' WHERE client_id IN (?, ?) AND status IN ('queued', 'offered')",
          UUID.fromString(fixtures.clientId()), UUID.fromString(fixtures.strangerId()));
    }
    if (node != null) {
      node.close();
    }
  }

  /** Calls of each operation the property must have made: hundreds, valid and broken, of every one. */
  private static final int CALLS_PER_OPERATION = 100;
  private static final Map<String, Integer> callsMade = new java.util.concurrent.ConcurrentHashMap<>();

  // After a failure the same seed again, all tries: the count of calls per operation is only meaningful for a whole run.
  @Property(tries = 14_000, seed = "20261202", edgeCases = EdgeCasesMode.NONE, afterFailure = AfterFailureMode.PREVIOUS_SEED)
  @Label("no call, valid or not, gets a 5xx, an undocumented status or a body off the OpenAPI document")
  void everyAnswerIsOnContract(@ForAll("calls") Call call) {
    callsMade.merge(call.op().key(), 1, Integer::sum);
    Answer response = send(call);
    int status = response.statusCode();
    Statistics.label("operation and status").collect(call.op().key(), status);
    Statistics.label("body").collect(call.body().kind());
    assertThat(status).as("a 5xx for %s: %s", call, response.body()).isLessThan(500);
    String responses = Contract.pointer("paths", call.op().template(), call.op().method(), "responses", String.valueOf(status));
    JsonNode documented = Contract.openApi().resolved(responses);
    assertThat(documented.isMissingNode()).as("status %d is not documented for %s; it answered %s", status, call.op().key(), response.body()).isFalse();
    String contentType = response.header("Content-Type").orElse("");
    if (documented.path("content").has("application/json")) {
      assertThat(contentType).as("Content-Type of %s", call).startsWith("application/json");
      List<String> violations = Contract.openApi().violations(responses + "/content/application~1json/schema", response.body());
      assertThat(violations).as("the %d answer to %s is off the contract: %s", status, call, response.body()).isEmpty();
    } else if (documented.path("content").has("text/plain")) {
      assertThat(contentType).startsWith("text/plain");
    }
    if (status >= 400) {
      JsonObject error = new JsonObject(response.body()).getJsonObject("error");
      assertThat(error.getString("code")).as("the code of a %d", status).isEqualTo(CODES.get(status));
      assertThat(Contract.leaksInternals(error.getString("message"))).as("a leaked internal in %s", error.getString("message")).isFalse();
    }
    if (status == 401) {
      assertThat(response.header("WWW-Authenticate")).hasValue("Bearer");
    }
  }

  @Example
  @Label("the check refuses an answer off the document: a missing field, a wrong format, an error without its envelope")
  void checkRefusesWhatIsOffContract() {
    Contract api = Contract.openApi();
    String session = Contract.pointer("paths", "/api/v1/sessions/{id}", "get", "responses", "200", "content", "application/json", "schema");
    String id = UUID.randomUUID().toString();
    JsonObject good = new JsonObject().put("id", id).put("requestId", id).put("clientId", id).put("expertId", id).put("mode", "chat")
        .put("status", "waiting").put("joinDeadline", "2026-11-23T10:02:30Z");
    assertThat(api.violations(session, good.encode())).isEmpty();
    assertThat(api.violations(session, good.copy().put("someday", 1).encode())).as("answers extend compatibly").isEmpty();
    assertThat(api.violations(session, good.copy().put("status", "napping").encode())).isNotEmpty();
    assertThat(api.violations(session, good.copy().put("joinDeadline", "tomorrow").encode())).isNotEmpty();
    String error = Contract.pointer("paths", "/api/v1/sessions/{id}", "get", "responses", "404", "content", "application/json", "schema");
    assertThat(api.violations(error, "{\"error\": {\"code\": \"not_found\", \"message\": \"no\"}}")).isEmpty();
    assertThat(api.violations(error, "{\"message\": \"no\"}")).isNotEmpty();
    assertThat(api.violations(error, "{\"error\": {\"code\": \"gone\", \"message\": \"no\"}}")).isNotEmpty();
  }

  @Example
  @Label("a broken %-escape in a path or a query is a 400 with the error body, not a server error")
  void brokenEscapes() {
    String token = "Bearer " + fixtures.tokens().get("client");
    for (String path : List.of("/api/v1/requests/%ZZ", "/api/v1/sessions/%", "/health%2", "/api/v1/me/sessions?limit=%ZZ", "/api/v1/me?x=%")) {
      Answer answer = RawHttp.send(node.node().httpPort(), "GET", path, token, Map.of(), null);
      assertThat(answer.statusCode()).as(path).isEqualTo(400);
      assertThat(new JsonObject(answer.body()).getJsonObject("error").getString("code")).as(path).isEqualTo("bad_request");
    }
  }

  // ---- generating calls from the document

  @Provide
  Arbitrary<Call> calls() {
    // Operations that take a body have many more ways to be called wrong: they are drawn three times as often.
    Arbitrary<Operation> operation = Arbitraries.frequencyOf(operations.stream()
        .map(op -> Tuple.of(op.spec().has("requestBody") ? 3 : 1, Arbitraries.just(op))).toArray(Tuple.Tuple2[]::new));
    return operation.flatMap(op -> Combinators.combine(auths(op), paths(op), headers(op), bodies(op))
        .as((auth, path, headers, body) -> new Call(op, auth.get1(), auth.get2(), path, headers, body)));
  }

  /** The role a call of this operation is meant for: the one whose calls get past the role checks. */
  private static String fittingRole(Operation op) {
    String t = op.template();
    if (t.startsWith("/api/v1/admin/")) {
      return "admin";
    }
    if (t.startsWith("/api/v1/experts/me") || t.equals("/api/v1/me/stats")) {
      return "expert";
    }
    if (t.startsWith("/api/v1/payments/webhooks/")) {
      return "none"; // signed by the provider, not a bearer token
    }
    // Requests, sessions and the rest: the client owns the request and took part in the session.
    return "client";
  }

  private Arbitrary<Tuple.Tuple2<String, String>> auths(Operation op) {
    String role = fittingRole(op);
    if (role.equals("none")) {
      return Arbitraries.of(Tuple.of("none", null), Tuple.of("client", "Bearer " + fixtures.tokens().get("client")));
    }
    String someone = fixtures.clientId();
    byte[] key = Jwts.testKey();
    List<Tuple.Tuple2<String, String>> wrong = List.of(
        Tuple.of("none", null),
        Tuple.of("empty bearer", "Bearer "),
        Tuple.of("basic", "Basic dXNlcjpwYXNzd29yZA=="),
        Tuple.of("garbage", "Bearer abc.def.ghi"),
        Tuple.of("huge", "Bearer " + "x".repeat(6000)),
        Tuple.of("expired", "Bearer " + Jwts.hs256(key, Jwts.claims(someone, role, -3600))),
        Tuple.of("unsigned", "Bearer " + Jwts.unsigned(Jwts.claims(someone, "admin", 3600))),
        Tuple.of("forged", "Bearer " + Jwts.hs256("not-the-servers-key-not-the-servers-key".getBytes(StandardCharsets.UTF_8), Jwts.claims(someone, "admin", 3600))),
        Tuple.of("unknown user", "Bearer " + Jwts.hs256(key, Jwts.claims(UUID.randomUUID().toString(), role, 3600))),
        Tuple.of("unknown role", "Bearer " + Jwts.hs256(key, Jwts.claims(someone, "superuser", 3600))));
    List<Tuple.Tuple2<String, String>> others = fixtures.tokens().entrySet().stream()
        .filter(e -> !e.getKey().equals(role)).map(e -> Tuple.of(e.getKey(), "Bearer " + e.getValue())).toList();
    return Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.just(Tuple.of(role, "Bearer " + fixtures.tokens().get(role)))),
        Tuple.of(3, Arbitraries.of(others)),
        Tuple.of(3, Arbitraries.of(wrong)));
  }

  private Arbitrary<String> paths(Operation op) {
    Matcher parameter = Pattern.compile("\\{([^}]+)}").matcher(op.template());
    Arbitrary<String> path = Arbitraries.just(op.template());
    if (parameter.find()) {
      String placeholder = parameter.group();
      path = Arbitraries.frequencyOf(
              Tuple.of(12, Arbitraries.of(knownIds(op.template()))),
              Tuple.of(3, Arbitraries.create(() -> UUID.randomUUID().toString())),
              Tuple.of(3, Arbitraries.of(garbageIds())))
          .map(id -> op.template().replace(placeholder, id));
      // A second parameter (the replay's event): the known event, an unknown one, or garbage.
      while (parameter.find()) {
        String second = parameter.group();
        path = path.flatMap(p -> Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just(fixtures.webhookEvent())),
                Tuple.of(3, Arbitraries.create(() -> UUID.randomUUID().toString())),
                Tuple.of(3, Arbitraries.of(garbageIds())))
            .map(id -> p.replace(second, id)));
      }
    }
    List<Arbitrary<String>> queries = new ArrayList<>();
    for (JsonNode p : op.spec().path("parameters")) {
      if ("query".equals(p.path("in").asText())) {
        String name = p.path("name").asText();
        JsonNode schema = p.path("schema");
        long min = schema.path("minimum").asLong(0);
        long max = schema.path("maximum").asLong(1000);
        // Values the parameter's schema allows: topics the fixtures know, its enum, instants of the days ahead, booleans, whole numbers in range.
        Arbitrary<String> allowed;
        if (name.equals("topic")) {
          allowed = Arbitraries.of(fixtures.topic(), "career", "career.interview");
        } else if (schema.has("enum")) {
          List<String> values = new ArrayList<>();
          schema.path("enum").forEach(v -> values.add(v.asText()));
          allowed = Arbitraries.of(values);
        } else if ("date-time".equals(schema.path("format").asText())) {
          java.time.Instant now = java.time.Instant.now();
          allowed = Arbitraries.integers().between(0, 10 * 24).map(hours -> now.plus(java.time.Duration.ofHours(hours)).toString());
        } else if ("boolean".equals(schema.path("type").asText())) {
          allowed = Arbitraries.of("true", "false");
        } else {
          allowed = Arbitraries.longs().between(min, max).map(String::valueOf);
        }
        queries.add(Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.just("")),
            Tuple.of(4, allowed.map(v -> name + "=" + v)),
            Tuple.of(1, Arbitraries.of(min - 1, max + 1, Long.MAX_VALUE, Long.MIN_VALUE).map(v -> name + "=" + v)),
            Tuple.of(1, Arbitraries.of("abc", "1.5", "", "%20", "1e3", "0x10", "99999999999999999999999", "%", "%ZZ", "%E2%98")
                .map(v -> name + "=" + v))));
      }
    }
    if (queries.isEmpty()) {
      return path;
    }
    return Combinators.combine(path, Combinators.combine(queries).as(parts -> String.join("&", parts.stream().filter(q -> !q.isEmpty()).toList())))
        .as((p, q) -> q.isEmpty() ? p : p + "?" + q);
  }

  private List<String> knownIds(String template) {
    if (template.startsWith("/api/v1/experts/me/reviews/") || template.startsWith("/api/v1/admin/reviews/")) {
      // The completed session's review once the calls rated it with a comment; before that, and as anyone but its expert, 404.
      return List.of(fixtures.session());
    }
    if (template.startsWith("/api/v1/experts/")) {
      return List.of(fixtures.expertId(), fixtures.clientId(), fixtures.adminId());
    }
    if (template.startsWith("/api/v1/requests/")) {
      return List.of(fixtures.waitingRequest(), fixtures.matchedRequest(), fixtures.strangersRequest());
    }
    if (template.startsWith("/api/v1/sessions/")) {
      return List.of(fixtures.session(), fixtures.session(), fixtures.waitingRequest());
    }
    if (template.startsWith("/api/v1/bookings/")) {
      return List.of(fixtures.booking());
    }
    if (template.startsWith("/api/v1/admin/penalties/")) {
      return List.of(fixtures.penalty());
    }
    if (template.startsWith("/api/v1/admin/requests/")) {
      return List.of(fixtures.waitingRequest(), fixtures.matchedRequest(), fixtures.strangersRequest());
    }
    if (template.startsWith("/api/v1/admin/sessions/")) {
      return List.of(fixtures.session());
    }
    if (template.startsWith("/api/v1/admin/users/")) {
      return List.of(fixtures.clientId(), fixtures.expertId(), fixtures.strangerId(), fixtures.adminId());
    }
    if (template.startsWith("/api/v1/wallet/top-ups/")) {
      return List.of(fixtures.topUp());
    }
    if (template.startsWith("/api/v1/payments/webhooks/")) {
      return List.of("demo", "external");
    }
    if (template.startsWith("/api/v1/admin/webhooks/")) {
      return List.of(fixtures.webhook());
    }
    if (template.startsWith("/api/v1/admin/topics/")) {
      // Its own topic, a child of it (made, then changed), and one whose parent is not listed (409).
      return List.of(fixtures.topic(), fixtures.topic() + ".child", Actors.uniqueTopic() + ".orphan");
    }
    throw new IllegalStateException("no known ids for " + template + ": add them to the fixtures");
  }

  /** Path segments that are not ids, encoded as a client would send them ("me" left out: it is another route). */
  private static List<String> garbageIds() {
    List<String> raw = List.of("not-a-uuid", "1", "0", "-1", "00000000-0000-0000-0000-000000000000", "5c8e0000-0000-4000-8000-00000000000z",
        "'; DROP TABLE requests;--", "☃", "\u0000", "..", "a b", "x".repeat(2000), "{id}", "null", "%");
    List<String> encoded = new ArrayList<>(raw.stream().map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20")).toList());
    encoded.addAll(List.of("%2e%2e", "%2F", "%252F", "%C0%AF", "%E2%98"));
    // Not valid URIs at all (java.net.URI refuses them): sent over a raw socket.
    encoded.addAll(List.of("%ZZ", "%", "a%2", "%u2603"));
    return encoded;
  }

  private Arbitrary<Map<String, String>> headers(Operation op) {
    for (JsonNode p : op.spec().path("parameters")) {
      if ("header".equals(p.path("in").asText())) {
        String name = p.path("name").asText();
        return Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(Map.<String, String>of())),
            Tuple.of(3, Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(128).map(v -> Map.of(name, v))),
            Tuple.of(1, Arbitraries.of("has space", "x".repeat(129), "tab\there", "ключ", "\u00ff").map(v -> Map.of(name, v))));
      }
    }
    return Arbitraries.just(Map.of());
  }

  private Arbitrary<Body> bodies(Operation op) {
    JsonNode request = op.spec().path("requestBody");
    if (request.isMissingNode()) {
      return Arbitraries.just(new Body("none", null));
    }
    JsonNode schema = Contract.openApi().resolved(Contract.pointer("paths", op.template(), op.method(), "requestBody", "content", "application/json", "schema"));
    Arbitrary<JsonObject> valid = SchemaValues.valid(schema).map(JsonObject.class::cast).map(body -> fitted(op, body));
    List<Tuple.Tuple2<Integer, Arbitrary<Body>>> kinds = new ArrayList<>(List.of(
        Tuple.of(8, valid.map(b -> new Body("valid", b.encode()))),
        Tuple.of(3, valid.flatMap(b -> SchemaValues.dropRequired(schema, b)).map(b -> new Body("missing required", b.encode()))),
        Tuple.of(3, valid.flatMap(b -> SchemaValues.wrongType(b)).map(b -> new Body("wrong type", b.encode()))),
        Tuple.of(3, valid.flatMap(b -> SchemaValues.outOfRange(schema, b)).map(b -> new Body("out of range", b.encode()))),
        Tuple.of(1, valid.flatMap(b -> SchemaValues.hugeString(b, 60_000)).map(b -> new Body("huge string", b.encode()))),
        Tuple.of(1, valid.flatMap(b -> SchemaValues.hugeString(b, 70_000)).map(b -> new Body("body over 64 KiB", b.encode()))),
        Tuple.of(2, valid.flatMap(b -> SchemaValues.oddText(b)).map(b -> new Body("odd text", b.encode()))),
        Tuple.of(1, valid.map(b -> b.copy().put("unknownField", new JsonObject().put("x", 1))).map(b -> new Body("unknown field", b.encode()))),
        Tuple.of(2, Arbitraries.of("{", "[1, 2", "nul", "{\"a\": 1}}", "{'single': 1}", "{\"a\": }", "\u0000", "{\"a\": NaN}", "{\"a\": 1e99999}")
            .map(t -> new Body("malformed JSON", t))),
        Tuple.of(1, Arbitraries.of("", "[]", "42", "\"text\"", "null", "true", "[{}]").map(t -> new Body("not an object", t)))));
    fixedBodies(op).ifPresent(fixed -> kinds.add(Tuple.of(8, fixed.map(b -> new Body("real", b.encode())))));
    return Arbitraries.frequencyOf(kinds.toArray(Tuple.Tuple2[]::new));
  }

  /** Bodies that only the fixtures can make valid: real credentials, refresh tokens; hours whose dates are ahead of today. */
  private java.util.Optional<Arbitrary<JsonObject>> fixedBodies(Operation op) {
    return switch (op.key()) {
      case "POST /api/v1/tokens" -> java.util.Optional.of(Arbitraries.just(new JsonObject().put("username", fixtures.username()).put("password", fixtures.password())));
      case "POST /api/v1/tokens/refresh" -> java.util.Optional.of(Arbitraries.of(fixtures.refreshTokens()).map(t -> new JsonObject().put("refreshToken", t)));
      case "PUT /api/v1/experts/me/availability" -> java.util.Optional.of(Arbitraries.of("UTC", "Asia/Shanghai", "America/New_York").map(zone ->
          new JsonObject().put("timeZone", zone)
              .put("weekly", new io.vertx.core.json.JsonArray().add(new JsonObject().put("day", "mon").put("from", "09:00").put("to", "12:00")))
              .put("exceptions", new io.vertx.core.json.JsonArray().add(new JsonObject()
                  .put("date", java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(7).toString()).put("hours", new io.vertx.core.json.JsonArray())))));
      // The expert's next free times (until the calls change their hours): a booking made, or one taken already.
      case "POST /api/v1/bookings" -> java.util.Optional.of(Arbitraries.of(fixtures.bookingBodies()).map(JsonObject::copy));
      default -> java.util.Optional.empty();
    };
  }

  /**
   * A valid body made to fit this test: topics are ones no other test uses, so that requests made
   * here are never offered to another test's experts.
   */
  private static JsonObject fitted(Operation op, JsonObject body) {
    if (body.getValue("topic") instanceof String topic) {
      body.put("topic", "contract" + Math.abs(topic.hashCode() % 1000) + "." + topic.replace('.', '_').substring(0, Math.min(topic.length(), 20)));
    }
    return body;
  }

  // ---- sending

  /** A response, read by java.net.http or off a raw socket. */
  record Answer(int statusCode, Map<String, String> headerMap, String body) {
    java.util.Optional<String> header(String name) {
      return headerMap.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
    }
  }

  private static Answer send(Call call) {
    boolean raw;
    try {
      URI.create("http://127.0.0.1" + call.path());
      raw = call.headers().values().stream().anyMatch(v -> v.chars().anyMatch(c -> c > 126 || c < 32 && c != '\t'));
    } catch (IllegalArgumentException notAUri) {
      raw = true;
    }
    if (raw) {
      return RawHttp.send(node.node().httpPort(), call.op().method().toUpperCase(), call.path(), call.authorization(), call.headers(), call.body().text());
    }
    HttpResponse<String> response = sendHttp(call);
    Map<String, String> headers = new LinkedHashMap<>();
    response.headers().map().forEach((name, values) -> headers.put(name, values.get(0)));
    return new Answer(response.statusCode(), headers, response.body());
  }

  private static HttpResponse<String> sendHttp(Call call) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.node().httpPort() + call.path()))
        .timeout(Duration.ofSeconds(15))
        .method(call.op().method().toUpperCase(), call.body().text() == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(call.body().text(), StandardCharsets.UTF_8));
    if (call.body().text() != null) {
      request.header("Content-Type", "application/json");
    }
    if (call.authorization() != null) {
      request.header("Authorization", call.authorization());
    }
    call.headers().forEach(request::header);
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(call + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
