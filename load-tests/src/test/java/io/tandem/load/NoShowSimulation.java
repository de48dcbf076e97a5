package io.tandem.load;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.*;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A share of the experts accept and never join. Their clients must see session.ended with
 * expert_no_show and then be matched again (request.matched a second time, with a new session):
 * the re-queue path under load. Run the server with short windows, e.g.
 * {@code TANDEM_SESSION_JOIN_WINDOW_SECONDS=5 TANDEM_SESSION_LATE_GRACE_SECONDS=1}.
 *
 * <p>{@code -Dexperts=40 -DnoShowShare=0.3 -Dclients.perSecond=1 -Dduration=60}
 */
public class NoShowSimulation extends Simulation {
  {
    int experts = Integer.getInteger("experts", 40);
    double share = Double.parseDouble(System.getProperty("noShowShare", "0.3"));
    double rate = Double.parseDouble(System.getProperty("clients.perSecond", "1"));
    int seconds = InstantConsultationSimulation.SECONDS;
    int noShows = (int) Math.round(experts * share);
    Map<String, List<Map<String, Object>>> seeded = Tandem.seed((int) Math.ceil(rate * seconds) + 10, experts);

    ScenarioBuilder standUp = scenario("experts who never join").feed(listFeeder(seeded.get("experts").subList(0, noShows)).queue())
        .exec(Tandem.connect(), Tandem.goOnline())
        .during(Duration.ofSeconds(seconds + 30)).on(
            Tandem.awaitEvent("await offer", "offer", 60, "offerId"),
            Tandem.call("offer.accept (no-show)", "acc", "{\"type\":\"offer.accept\",\"cid\":\"acc\",\"offerId\":\"#{offerId}\"}", 10))
        .exec(ws("close").close());

    // The client joins and watches for the outcome of the join window (-DjoinWindowSeconds and
    // -DlateGraceSeconds as configured on the server): after an expert no-show, session.ended and
    // then a second request.matched (the same request, another expert) arrive, in that order, and
    // the client joins and ends that session. Honest sessions see neither; the client ends them.
    int watch = Integer.getInteger("joinWindowSeconds", 5) + Integer.getInteger("lateGraceSeconds", 1) + 10;
    ScenarioBuilder clients = scenario("clients").feed(listFeeder(seeded.get("clients")).queue())
        .exec(Tandem.connect(), Tandem.requestConsultation(), Tandem.joinRoom("client room.join"))
        .exec(ws("outcome").sendText("{\"type\":\"ping\"}").await(watch).on(
            Tandem.event("session.ended").check(jsonPath("$.status").saveAs("outcome")).silent(),
            Tandem.event("request.matched").check(jsonPath("$.sessionId").saveAs("rematched")).silent()))
        .doIfOrElse(session -> session.contains("rematched")).then(
            exec(session -> session.set("sessionId", session.getString("rematched"))),
            Tandem.joinRoom("client room.join (re-matched)"),
            Tandem.call("session.end (re-matched)", "end2", "{\"type\":\"session.end\",\"cid\":\"end2\",\"sessionId\":\"#{sessionId}\"}", 10))
        .orElse(Tandem.call("session.end", "end", "{\"type\":\"session.end\",\"cid\":\"end\",\"sessionId\":\"#{sessionId}\"}", 10))
        .exec(ws("close").close());

    setUp(
        standUp.injectOpen(atOnceUsers(noShows)),
        InstantConsultationSimulation.experts(seeded.get("experts").subList(noShows, experts), 1, 2).injectOpen(atOnceUsers(experts - noShows)),
        clients.injectOpen(nothingFor(Duration.ofSeconds(3)), constantUsersPerSec(rate).during(Duration.ofSeconds(seconds))))
        .protocols(Tandem.protocol())
        .assertions(details("request.matched").failedRequests().percent().lt(1.0), details("ack end").failedRequests().percent().lt(1.0),
            details("ack end2").failedRequests().percent().lt(1.0));
  }
}
