package io.tandem.load;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.*;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Many matched pairs chat; then every client drops, reconnects at once and rejoins with afterSeq:
 * the join must answer with the messages sent in between ("rejoin with afterSeq" response time,
 * and a check that the backlog is not empty).
 *
 * <p>{@code -Dpairs=100 -Dmessages=10}
 */
public class ReconnectStormSimulation extends Simulation {
  {
    int pairs = Integer.getInteger("pairs", 100);
    int messages = Integer.getInteger("messages", 10);
    Map<String, List<Map<String, Object>>> seeded = Tandem.seed(pairs, pairs);

    ScenarioBuilder experts = scenario("experts").feed(listFeeder(seeded.get("experts")).queue())
        .exec(Tandem.connect(), Tandem.goOnline(), Tandem.awaitEvent("await offer", "offer", 60, "offerId"),
            Tandem.call("offer.accept", "acc", "{\"type\":\"offer.accept\",\"cid\":\"acc\",\"offerId\":\"#{offerId}\"}", 10))
        .exec(ws("session.ready").sendText("{\"type\":\"ping\"}").await(10)
            .on(Tandem.event("session.ready").check(jsonPath("$.sessionId").saveAs("sessionId"))))
        .exec(Tandem.joinRoom("expert room.join"), Tandem.awaitEvent("await session.ended", "session.ended", 180))
        .exec(ws("close").close());

    ScenarioBuilder clients = scenario("clients").feed(listFeeder(seeded.get("clients")).queue())
        .exec(Tandem.connect(), Tandem.requestConsultation(), Tandem.joinRoom("client room.join"), Tandem.chat(messages))
        .exec(ws("drop").close())
        .pause(Duration.ofSeconds(2))
        .exec(Tandem.connect())
        .exec(ws("rejoin with afterSeq").sendText("{\"type\":\"room.join\",\"cid\":\"rejoin\",\"sessionId\":\"#{sessionId}\",\"afterSeq\":1}")
            .await(10).on(Tandem.ack("rejoin").check(jsonPath("$.messages[0].seq").is("2"))))
        .exec(Tandem.call("session.end", "end", "{\"type\":\"session.end\",\"cid\":\"end\",\"sessionId\":\"#{sessionId}\"}", 10))
        .exec(ws("close").close());

    setUp(experts.injectOpen(atOnceUsers(pairs)), clients.injectOpen(nothingFor(Duration.ofSeconds(3)), rampUsers(pairs).during(Duration.ofSeconds(10))))
        .protocols(Tandem.protocol())
        .assertions(details("ack rejoin").failedRequests().percent().lt(1.0), details("ack rejoin").responseTime().percentile(99.0).lt(1000));
  }
}
