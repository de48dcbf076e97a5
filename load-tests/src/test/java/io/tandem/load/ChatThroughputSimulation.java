package io.tandem.load;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.*;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Chat throughput and latency at a fixed total rate, against Tandem or one of the baselines in
 * {@code load-tests/baselines/} (they speak the same frames), so the figures can be compared.
 *
 * <p>{@code pairs} rooms are set up first (Tandem: seeded clients request, seeded experts accept,
 * both join; relay: both join a made-up room; echo: one plain connection each). Then, all at the
 * same instant, every client sends {@code rate / pairs} messages a second for {@code duration}
 * seconds (after {@code warmup} seconds reported apart). Messages alternate between two kinds so
 * that one run gives both timings:
 * <ul>
 *   <li>"stored ack": {@code room.send} to its {@code ack} (Tandem: stored in PostgreSQL first);
 *   <li>"delivered": {@code room.send} to its {@code room.message} (Tandem sends it to both
 *       participants at the same moment, after storing; the sender's copy is the one timed).
 * </ul>
 * Against the echo server a message is timed to its echo ("echo"). Each text carries its send time.
 *
 * <p>{@code -Dserver=tandem|relay|echo -Dpairs=500 -Drate=2000 -Dduration=60 -Dsetup=30 -Dwarmup=10}; the
 * server's per-connection limit ({@code ws.framesPerSecond}, 20 by default) bounds {@code rate / pairs}.
 * With {@code -DpeerUrl=http://localhost:8081} the experts connect to a second node of the cluster,
 * so every message crosses the clustered event bus (clients stay on {@code baseUrl}).
 */
public class ChatThroughputSimulation extends Simulation {
  static final String SERVER = System.getProperty("server", "tandem");
  static final int PAIRS = Integer.getInteger("pairs", 500);
  static final double RATE = Double.parseDouble(System.getProperty("rate", "2000"));
  static final int SECONDS = Integer.getInteger("duration", 60);
  static final int SETUP = Integer.getInteger("setup", 30);
  static final int WARMUP = Integer.getInteger("warmup", 10);
  static final String PEER_URL = System.getProperty("peerUrl", Tandem.BASE_URL);

  /** When sending starts: the same instant for all, after the setup budget. */
  private final long sendFrom = System.currentTimeMillis() + SETUP * 1000L;

  /** Between two messages of one client. */
  private static final Duration INTERVAL = Duration.ofNanos((long) (PAIRS / RATE * 1e9));

  /**
   * Waits for the start, plus a random share of the interval: clients spread their sends evenly
   * instead of all sending in the same millisecond, which would time a burst, not a rate.
   */
  private ChainBuilder waitForStart() {
    return pause(session -> Duration.ofMillis(Math.max(0, sendFrom - System.currentTimeMillis())
        + ThreadLocalRandom.current().nextLong(Math.max(1, INTERVAL.toMillis()))));
  }

  /**
   * The loop every client runs once its room is ready: first {@code warmup} seconds whose timings
   * are reported apart (named "warm-up …", so the JIT of server and generator is not in the
   * figures), then {@code duration} seconds measured.
   */
  private ChainBuilder sending() {
    return exec(waitForStart())
        .during(Duration.ofSeconds(WARMUP), "w").on(pace(INTERVAL), message("warm-up ", "w"))
        .during(Duration.ofSeconds(SECONDS), "i").on(pace(INTERVAL), message("", "i"));
  }

  /** One message; {@code counter} is the loop's, so each clientMsgId is new. */
  private static ChainBuilder message(String label, String counter) {
    if (SERVER.equals("echo")) {
      return exec(ws(label + "send").sendText(frame("e", counter)).await(10).on(ws.checkTextMessage(label + "echo")));
    }
    return doIfOrElse(session -> session.getInt(counter) % 2 == 0)
        .then(exec(ws(label + "send").sendText(frame("a", counter)).await(10).on(
            ws.checkTextMessage(label + "stored ack").matching(jsonPath("$.cid").is("a"))
                .check(jsonPath("$.type").is("ack"), jsonPath("$.seq").exists()))))
        .orElse(exec(ws(label + "send").sendText(frame("d", counter)).await(10).on(
            ws.checkTextMessage(label + "delivered").matching(regex("\"text\":\"d ").exists())
                .check(jsonPath("$.seq").exists()))));
  }

  /** A room.send of this kind: "a" awaits its ack (by cid), "d" its room.message (by the text's first letter). */
  private static String frame(String kind, String counter) {
    return "{\"type\":\"room.send\",\"cid\":\"" + kind + "\",\"sessionId\":\"#{sessionId}\","
        + "\"clientMsgId\":\"#{sessionId}-" + counter + "#{" + counter + "}\",\"text\":\"" + kind + " sent at #{currentTimeMillis()}\"}";
  }

  private static ChainBuilder plainConnect() {
    return exec(ws("connect").connect("/ws"));
  }

  /** Peers keep their connection until every client has sent its last message. */
  private ChainBuilder holdUntilDone() {
    return pause(session -> Duration.ofMillis(Math.max(0, sendFrom + (WARMUP + SECONDS + 15) * 1000L - System.currentTimeMillis())));
  }

  {
    if (!List.of("tandem", "relay", "echo").contains(SERVER)) {
      throw new IllegalArgumentException("-Dserver must be tandem, relay or echo, not " + SERVER);
    }
    ScenarioBuilder clientScenario;
    ScenarioBuilder expertScenario = null;
    if (SERVER.equals("tandem")) {
      Map<String, List<Map<String, Object>>> seeded = Tandem.seed(PAIRS, PAIRS);
      clientScenario = scenario("clients").feed(listFeeder(seeded.get("clients")).queue())
          .exec(Tandem.connect(), Tandem.requestConsultation(), Tandem.joinRoom("client room.join"), sending())
          .exec(Tandem.call("session.end", "end", "{\"type\":\"session.end\",\"cid\":\"end\",\"sessionId\":\"#{sessionId}\"}", 10))
          .exec(ws("close").close());
      expertScenario = scenario("experts").feed(listFeeder(seeded.get("experts")).queue())
          .exec(Tandem.connect(), Tandem.goOnline(), Tandem.awaitEvent("await offer", "offer", SETUP, "offerId"),
              Tandem.call("offer.accept", "acc", "{\"type\":\"offer.accept\",\"cid\":\"acc\",\"offerId\":\"#{offerId}\"}", 10))
          .exec(ws("session.ready").sendText("{\"type\":\"ping\"}").await(10)
              .on(Tandem.event("session.ready").check(jsonPath("$.sessionId").saveAs("sessionId"))))
          .exec(Tandem.joinRoom("expert room.join"), holdUntilDone(), ws("close").close());
    } else {
      List<Map<String, Object>> rooms = new ArrayList<>();
      for (int n = 0; n < PAIRS; n++) {
        Map<String, Object> room = new HashMap<>();
        room.put("sessionId", UUID.randomUUID().toString());
        rooms.add(room);
      }
      ChainBuilder join = SERVER.equals("relay") ? Tandem.joinRoom("room.join") : exec(session -> session);
      clientScenario = scenario("clients").feed(listFeeder(rooms).queue())
          .exec(plainConnect(), join, sending(), ws("close").close());
      if (SERVER.equals("relay")) {
        expertScenario = scenario("peers").feed(listFeeder(new ArrayList<>(rooms)).queue())
            .exec(plainConnect(), join, holdUntilDone(), ws("close").close());
      }
    }
    Duration ramp = Duration.ofSeconds(Math.max(1, SETUP / 3));
    PopulationBuilder senders = clientScenario.injectOpen(rampUsers(PAIRS).during(ramp));
    String timed = SERVER.equals("echo") ? "echo" : "delivered";
    List<Assertion> assertions = new ArrayList<>(List.of(
        global().failedRequests().percent().lt(1.0),
        details(timed).responseTime().percentile(99.0).lt(1000)));
    if (!SERVER.equals("echo")) {
      assertions.add(details("stored ack").responseTime().percentile(99.0).lt(1000));
    }
    (expertScenario == null
        ? setUp(senders.protocols(Tandem.protocol()))
        : setUp(expertScenario.injectOpen(rampUsers(PAIRS).during(ramp)).protocols(Tandem.protocol(PEER_URL)),
            senders.protocols(Tandem.protocol())))
        .assertions(assertions);
  }
}
