package io.tandem.load;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.*;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How fast requests are matched: clients arrive at a fixed rate (open model), request, and are
 * timed to the {@code request.status} that says their request was offered ("offered": request to
 * offer, as the client learns it, just after the expert's {@code offer} is sent) and to
 * {@code request.matched}; then they join and leave. Experts accept at once, join, end the session
 * once both are in, and are free again, so the rate that holds is the matching rate.
 *
 * The first {@code warmup} seconds of clients are reported apart ("warm-up …"), so a cold JVM is
 * not in the figures.
 *
 * <p>{@code -Dclients.perSecond=20 -Dexperts=200 -Dduration=60 -Dwarmup=10}
 */
public class MatchingRateSimulation extends Simulation {
  static final double RATE = Double.parseDouble(System.getProperty("clients.perSecond", "20"));
  static final int EXPERTS = Integer.getInteger("experts", 200);
  static final int SECONDS = Integer.getInteger("duration", 60);
  static final int WARMUP = Integer.getInteger("warmup", 10);

  /** Clients whose timings are named with {@code label} ("warm-up " for the first seconds, reported apart). */
  static ScenarioBuilder clients(String label, List<Map<String, Object>> accounts) {
    return scenario(label + "clients").feed(listFeeder(accounts).queue())
        .exec(Tandem.connect())
        .exec(ws(label + "request").sendText("{\"type\":\"request.create\",\"cid\":\"rq\",\"topic\":\"" + Tandem.TOPIC + "\",\"mode\":\"chat\","
                + "\"location\":{\"lat\":31.24,\"lng\":121.48},\"brief\":\"load test\"}")
            .await(60).on(
                ws.checkTextMessage(label + "offered").matching(jsonPath("$.status").is("offered")),
                ws.checkTextMessage(label + "request.matched").matching(jsonPath("$.type").is("request.matched"))
                    .check(jsonPath("$.sessionId").saveAs("sessionId"))))
        .exec(Tandem.joinRoom("client room.join"), ws("close").close());
  }

  /**
   * Ends the session as soon as both have joined: the peer may not have yet, so the end is asked
   * again every 50 ms (at most 40 times) until it is acknowledged.
   */
  static ChainBuilder endOnceBothJoined() {
    return exec(session -> session.set("endAnswer", "none"))
        .asLongAs(session -> !"ack".equals(session.getString("endAnswer")) && session.getInt("tries") < 40, "tries").on(
            doIf(session -> session.getInt("tries") > 0).then(pause(Duration.ofMillis(50))),
            exec(ws("session.end").sendText("{\"type\":\"session.end\",\"cid\":\"end\",\"sessionId\":\"#{sessionId}\"}")
                .await(10).on(ws.checkTextMessage("end answered").matching(jsonPath("$.cid").is("end"))
                    .check(jsonPath("$.type").saveAs("endAnswer")))))
        .exec(session -> "ack".equals(session.getString("endAnswer")) ? session : session.markAsFailed());
  }

  {
    int perPhase = (int) Math.ceil(RATE * Math.max(WARMUP, SECONDS)) + 10;
    Map<String, List<Map<String, Object>>> seeded = Tandem.seed(2 * perPhase, EXPERTS);
    List<Map<String, Object>> accounts = seeded.get("clients");
    // The expert ends each session: waiting for a session.ended that can overtake the join's ack
    // would leave a virtual user deaf to its next offer (Gatling drops frames nobody awaits).
    ScenarioBuilder experts = scenario("experts").feed(listFeeder(seeded.get("experts")).queue())
        .exec(Tandem.connect(), Tandem.goOnline())
        // A failed step (an offer already gone, say) ends the iteration at once, so the expert is
        // back to listening for offers instead of sitting out timeouts while offers arrive.
        .during(Duration.ofSeconds(WARMUP + SECONDS + 10)).on(exitBlockOnFail().on(
            Tandem.awaitEvent("await offer", "offer", 30, "offerId"),
            Tandem.call("offer.accept", "acc", "{\"type\":\"offer.accept\",\"cid\":\"acc\",\"offerId\":\"#{offerId}\"}", 10)
                .exec(ws("session.ready").sendText("{\"type\":\"ping\"}").await(10)
                    .on(Tandem.event("session.ready").check(jsonPath("$.sessionId").saveAs("sessionId")))),
            Tandem.joinRoom("expert room.join"),
            endOnceBothJoined()))
        .exec(ws("close").close());
    setUp(
        experts.injectOpen(atOnceUsers(EXPERTS)),
        clients("warm-up ", accounts.subList(0, perPhase))
            .injectOpen(nothingFor(Duration.ofSeconds(5)), constantUsersPerSec(RATE).during(Duration.ofSeconds(WARMUP))),
        clients("", accounts.subList(perPhase, accounts.size()))
            .injectOpen(nothingFor(Duration.ofSeconds(5 + WARMUP)), constantUsersPerSec(RATE).during(Duration.ofSeconds(SECONDS))))
        .protocols(Tandem.protocol())
        .assertions(
            details("offered").failedRequests().percent().lt(1.0),
            details("request.matched").failedRequests().percent().lt(1.0),
            details("offered").responseTime().percentile(99.0).lt(1000));
  }
}
