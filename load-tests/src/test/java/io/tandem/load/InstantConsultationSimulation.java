package io.tandem.load;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.*;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Clients arrive at a fixed rate (open model): request, wait for request.matched, join, chat,
 * end, rate. Experts are a closed pool that accepts after a think time, joins and waits for the
 * end. Response times: "request→matched" is request to match; "send→delivered" is a message's
 * store-and-deliver time (each text carries its send time).
 *
 * <p>{@code -Dclients.perSecond=5 -Dexperts=50 -Dduration=60 -Dmessages=5}
 */
public class InstantConsultationSimulation extends Simulation {
  static final double RATE = Double.parseDouble(System.getProperty("clients.perSecond", "5"));
  static final int EXPERTS = Integer.getInteger("experts", 50);
  static final int SECONDS = Integer.getInteger("duration", 60);
  static final int MESSAGES = Integer.getInteger("messages", 5);

  static ScenarioBuilder experts(List<Map<String, Object>> accounts, int thinkMin, int thinkMax) {
    return scenario("experts").feed(listFeeder(accounts).queue())
        .exec(Tandem.connect(), Tandem.goOnline())
        .during(Duration.ofSeconds(SECONDS + 30)).on(
            Tandem.awaitEvent("await offer", "offer", 60, "offerId"),
            pause(thinkMin, thinkMax),
            Tandem.call("offer.accept", "acc", "{\"type\":\"offer.accept\",\"cid\":\"acc\",\"offerId\":\"#{offerId}\"}", 10)
                .exec(ws("session.ready").sendText("{\"type\":\"ping\"}").await(10)
                    .on(Tandem.event("session.ready").check(jsonPath("$.sessionId").saveAs("sessionId")))),
            Tandem.joinRoom("expert room.join"),
            Tandem.awaitEvent("await session.ended", "session.ended", 120))
        .exec(ws("close").close());
  }

  static ScenarioBuilder clients(List<Map<String, Object>> accounts) {
    return scenario("clients").feed(listFeeder(accounts).queue())
        .exec(Tandem.connect(), Tandem.requestConsultation(), Tandem.joinRoom("client room.join"), Tandem.chat(MESSAGES))
        .exec(Tandem.call("session.end", "end", "{\"type\":\"session.end\",\"cid\":\"end\",\"sessionId\":\"#{sessionId}\"}", 10))
        .exec(http("rate").post("/api/v1/sessions/#{sessionId}/ratings").header("Authorization", "Bearer #{accessToken}")
            .body(StringBody("{\"stars\":5,\"comment\":\"load test\"}")).check(status().is(201)))
        .exec(ws("close").close());
  }

  {
    int clientCount = (int) Math.ceil(RATE * SECONDS) + 10;
    Map<String, List<Map<String, Object>>> seeded = Tandem.seed(clientCount, EXPERTS);
    setUp(
        experts(seeded.get("experts"), 1, 3).injectOpen(atOnceUsers(EXPERTS)),
        clients(seeded.get("clients")).injectOpen(nothingFor(Duration.ofSeconds(3)), constantUsersPerSec(RATE).during(Duration.ofSeconds(SECONDS))))
        .protocols(Tandem.protocol())
        // Gatling names WebSocket timings after the check that ends them: "request.matched" is
        // request to match, "delivered" a chat message's send to delivery. Experts idling for an
        // offer after the last client are not failures of the server, so only clients' steps count.
        .assertions(
            details("request.matched").failedRequests().percent().lt(1.0),
            details("delivered").failedRequests().percent().lt(1.0),
            details("request.matched").responseTime().percentile(99.0).lt(10_000),
            details("delivered").responseTime().percentile(99.0).lt(250));
  }
}
