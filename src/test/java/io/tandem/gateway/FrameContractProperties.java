package io.tandem.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Pair;
import io.tandem.testing.Contract;
import io.tandem.testing.LoggedErrors;
import io.tandem.testing.RunningNode;
import io.tandem.testing.SchemaValues;
import io.tandem.testing.Sql;
import io.tandem.testing.TestConfig;
import io.tandem.testing.TestSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Property: whatever frame a connected client, expert or participant sends, valid or not, it gets
 * exactly one answer (an {@code ack} or an {@code error} with its {@code cid}, or for a frame that is
 * not a JSON object with a type an {@code error} without one), every frame the server sends is on the
 * AsyncAPI document (held by {@link TestSocket}; a frame the server acknowledged must be one the
 * document accepts), an error's code is the contract's and its message leaks nothing internal, the
 * connection keeps working (a {@code ping} after each try) and so does a bystander's, and the server
 * logs no ERROR. Frames are made from the document's schemas, then broken as the HTTP property breaks
 * bodies; ids are real (the live session, someone else's ended one), unknown or garbage.
 */
@Label("WebSocket contract")
class FrameContractProperties {
  /** Frames each client frame type must have been tried with: hundreds in all, valid and broken, of every one. */
  private static final int TRIES_PER_TYPE = 100;
  private static final AtomicLong CIDS = new AtomicLong();
  private static final AtomicLong TRIES = new AtomicLong();

  private static RunningNode node;
  private static LoggedErrors errors;
  private static Pair live;
  private static Pair ended;
  private static TestSocket bystander;
  private static List<String> frameTypes;
  private static final Map<String, Integer> triesMade = new ConcurrentHashMap<>();

  /** Who sends: the live session's client or expert. */
  enum Sender { CLIENT, EXPERT }

  record Try(String type, Sender sender, String kind, String text) {
    @Override
    public String toString() {
      return type + " from the " + sender.name().toLowerCase() + " [" + kind + "] " + (text.length() > 300 ? text.substring(0, 300) + "… (" + text.length() + " chars)" : text);
    }
  }

  @BeforeContainer
  static void start() {
    errors = LoggedErrors.attach();
    // The rate limit is GatewayTest's subject; here it would only answer rate_limited to most tries.
    node = RunningNode.start(TestConfig.with(Map.of("ws.framesPerSecond", "100000", "ws.frameBurst", "100000")));
    ended = Actors.matched(node);
    JsonObject endedSession = new JsonObject().put("sessionId", ended.sessionId());
    ended.client().socket().ack("room.join", endedSession.copy());
    ended.expert().socket().ack("room.join", endedSession.copy());
    ended.client().socket().ack("session.end", endedSession.copy());
    live = Actors.matched(node);
    bystander = TestSocket.connect(node.node().httpPort(), node.http().signUp("client").accessToken());
    frameTypes = new ArrayList<>();
    Contract.asyncApi().document().path("components").path("messages").fieldNames().forEachRemaining(name -> {
      if (name.startsWith("frame.")) {
        frameTypes.add(name.substring("frame.".length()));
      }
    });
  }

  @AfterContainer
  static void stop() {
    try {
      if (live != null) {
        // What the tries left behind must not reach the experts of later tests in this JVM.
        Sql.update("UPDATE requests SET status = 'cancelled' WHERE client_id = ? AND status IN ('queued', 'offered')", UUID.fromString(live.client().id()));
        live.expert().socket().call("presence.offline");
      }
      assertThat(errors.seen()).as("ERRORs logged while frames were tried").isEmpty();
      assertThat(new TreeSet<>(triesMade.keySet())).as("every client frame of the document was tried").containsAll(new TreeSet<>(frameTypes));
      triesMade.forEach((type, count) -> assertThat(count).as("tries of %s", type).isGreaterThanOrEqualTo(TRIES_PER_TYPE));
    } finally {
      errors.close();
      for (AutoCloseable open : new AutoCloseable[] {bystander, live, ended, node}) {
        try {
          if (open != null) {
            open.close();
          }
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }
    }
  }

  @Property(tries = 2_500, seed = "20261203", edgeCases = EdgeCasesMode.NONE, afterFailure = AfterFailureMode.PREVIOUS_SEED)
  @Label("every frame, valid or not, gets one answer on the AsyncAPI document, and the connection and its neighbours keep working")
  void everyFrameIsAnsweredOnContract(@ForAll("tries") Try attempt) {
    triesMade.merge(attempt.type(), 1, Integer::sum);
    Statistics.label("type").collect(attempt.type());
    Statistics.label("kind").collect(attempt.kind());
    TestSocket socket = attempt.sender() == Sender.CLIENT ? live.client().socket() : live.expert().socket();
    JsonObject frame = parsedObject(attempt.text());
    JsonObject answer;
    if (frame != null && frame.getValue("cid") != null) {
      Object cid = frame.getValue("cid");
      if (frame.getValue("type") instanceof String) {
        socket.send(frame); // held to the document if the server acknowledges it
      } else {
        socket.sendText(attempt.text());
      }
      answer = socket.await(f -> cid.equals(f.getValue("cid")), "the answer to " + attempt);
    } else {
      socket.sendText(attempt.text());
      answer = socket.await(f -> "error".equals(f.getString("type")) && !f.containsKey("cid"), "the error for " + attempt);
    }
    String type = answer.getString("type");
    Statistics.label("answer").collect("error".equals(type) ? "error " + answer.getString("code") : type);
    assertThat(type).as("the answer to %s", attempt).isIn("ack", "error");
    if ("error".equals(type)) {
      assertThat(Contract.leaksInternals(answer.getString("message"))).as("a leaked internal in %s", answer.encode()).isFalse();
      assertThat(answer.getString("code")).as("%s answered %s", attempt, answer.encode()).isNotIn("internal", "unavailable");
    }
    assertThat(socket.call("ping").getString("type")).as("the connection after %s", attempt).isEqualTo("ack");
    if (TRIES.incrementAndGet() % 50 == 0) {
      assertThat(bystander.call("ping").getString("type")).isEqualTo("ack");
    }
    socket.assertOnContract();
  }

  private static JsonObject parsedObject(String text) {
    if (!text.strip().startsWith("{")) {
      return null;
    }
    try {
      return new JsonObject(text);
    } catch (RuntimeException notAnObject) {
      return null;
    }
  }

  // ---- generating frames from the document

  @Provide
  Arbitrary<Try> tries() {
    return Arbitraries.of(frameTypes).flatMap(type -> Combinators.combine(senders(type), frames(type)).as((sender, frame) ->
        new Try(type, sender, frame.get1(), frame.get2())));
  }

  /** Mostly the one the document says sends it, now and then the other. */
  private static Arbitrary<Sender> senders(String type) {
    String sentBy = Contract.asyncApi().document().path("components").path("messages").path("frame." + type).path("description").asText();
    Sender fitting = sentBy.contains("client") ? Sender.CLIENT : sentBy.contains("expert") ? Sender.EXPERT : null;
    if (fitting == null) {
      return Arbitraries.of(Sender.values());
    }
    Sender other = fitting == Sender.CLIENT ? Sender.EXPERT : Sender.CLIENT;
    return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(fitting)), Tuple.of(1, Arbitraries.just(other)));
  }

  /** A frame of {@code type} as (kind, text): valid by the schema, or broken one way. */
  private static Arbitrary<Tuple.Tuple2<String, String>> frames(String type) {
    JsonNode schema = Contract.asyncApi().resolved(Contract.pointer("components", "messages", "frame." + type, "payload"));
    Arbitrary<JsonObject> valid = SchemaValues.valid(schema).map(JsonObject.class::cast).flatMap(frame -> fitted(type, frame))
        .map(frame -> frame.put("cid", "p" + CIDS.incrementAndGet()));
    Arbitrary<String> cid = Arbitraries.create(() -> "p" + CIDS.incrementAndGet());
    return Arbitraries.frequencyOf(
        Tuple.of(8, valid.map(f -> Tuple.of("valid", f.encode()))),
        Tuple.of(3, valid.flatMap(f -> SchemaValues.dropRequired(schema, f)).map(f -> Tuple.of("missing required", keepCid(f).encode()))),
        Tuple.of(3, valid.flatMap(SchemaValues::wrongType).map(f -> Tuple.of("wrong type", keepCid(f).encode()))),
        Tuple.of(3, valid.flatMap(f -> SchemaValues.outOfRange(schema, f)).map(f -> Tuple.of("out of range", f.encode()))),
        // Under ws.maxFrameBytes (64 KiB): a larger frame closes the connection, as GatewayTest checks.
        Tuple.of(1, valid.flatMap(f -> SchemaValues.hugeString(f, 60_000)).map(f -> Tuple.of("huge string", keepCid(f).encode()))),
        // The cid stays as it was: a lone surrogate in it would come back as "?" (UTF-8 has no such character).
        Tuple.of(2, valid.flatMap(f -> SchemaValues.oddText(f).map(odd -> odd.put("cid", f.getValue("cid")))).map(f -> Tuple.of("odd text", f.encode()))),
        Tuple.of(1, valid.map(f -> f.copy().put("unknownField", new JsonObject().put("x", 1))).map(f -> Tuple.of("unknown field", f.encode()))),
        Tuple.of(1, Combinators.combine(valid, Arbitraries.of(42, 4.5, true, new JsonObject().put("a", 1), new JsonArray().add("x"), "", "ключ"))
            .as((f, odd) -> Tuple.of("odd cid", f.copy().put("cid", odd instanceof String s ? s + CIDS.incrementAndGet() : odd).encode()))),
        Tuple.of(1, Combinators.combine(cid, Arbitraries.of(7, "", "ROOM.SEND", type + " ", true, new JsonObject()))
            .as((c, t) -> Tuple.of("odd type", new JsonObject().put("type", t).put("cid", c).encode()))),
        Tuple.of(1, Arbitraries.of("{", "[1, 2", "nul", "{\"type\": }", "{'type': 'ping'}", "\u0000", "{\"type\": \"ping\", \"cid\": NaN}", "[]",
            "42", "\"ping\"", "null", "{}").map(t -> Tuple.of("not a frame", t))));
  }

  /** A broken frame keeps its cid, so that its answer can be told from the others. */
  private static JsonObject keepCid(JsonObject frame) {
    if (frame.getValue("cid") == null || frame.getValue("cid") instanceof String cid && cid.length() > 40) {
      frame.put("cid", "p" + CIDS.incrementAndGet());
    }
    return frame;
  }

  /**
   * Ids the frame aims at, real or not, and topics no other test uses (so that a request made here is
   * never offered to another test's experts). The live session is never ended: the tries in it are
   * the point.
   */
  private static Arbitrary<JsonObject> fitted(String type, JsonObject frame) {
    if (frame.getValue("topic") instanceof String topic) {
      frame.put("topic", ownTopic(topic));
    }
    if (frame.getValue("topics") instanceof JsonArray topics) {
      frame.put("topics", new JsonArray(topics.stream().map(t -> ownTopic(String.valueOf(t))).toList()));
    }
    for (String field : List.of("sessionId", "offerId", "requestId")) {
      if (frame.containsKey(field)) {
        List<String> ids = new ArrayList<>(List.of(UUID.randomUUID().toString(), ended.sessionId(), "not-a-uuid", ""));
        if ("sessionId".equals(field) && !"session.end".equals(type)) {
          ids.addAll(List.of(live.sessionId(), live.sessionId(), live.sessionId()));
        }
        return Arbitraries.of(ids).map(id -> frame.copy().put(field, id));
      }
    }
    return Arbitraries.just(frame);
  }

  /** A topic under {@code wscontract}, still a valid topic (its segment at most 20 characters). */
  private static String ownTopic(String topic) {
    return "wscontract." + topic.replace('.', '_').substring(0, Math.min(topic.length(), 20));
  }
}
