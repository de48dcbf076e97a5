package io.tandem.load;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.*;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Holds many authenticated idle connections for a while, answering the server's pings (Gatling
 * does). A process may open 20,000 files here: past about 19,000 connections per generator, run
 * several generators (each with its own -Dconnections) against the same server.
 *
 * <p>{@code -Dconnections=5000 -Dhold=600 -Dramp=60}
 */
public class ConnectionsSimulation extends Simulation {
  {
    int connections = Integer.getInteger("connections", 5000);
    int hold = Integer.getInteger("hold", 600);
    int ramp = Integer.getInteger("ramp", 60);
    Map<String, List<Map<String, Object>>> seeded = Tandem.seed(connections, 0);
    ScenarioBuilder idle = scenario("idle connections").feed(listFeeder(seeded.get("clients")).queue())
        .exec(Tandem.connect(), Tandem.call("ping", "p1", "{\"type\":\"ping\",\"cid\":\"p1\"}", 10))
        .pause(Duration.ofSeconds(hold))
        .exec(Tandem.call("ping after hold", "p2", "{\"type\":\"ping\",\"cid\":\"p2\"}", 30))
        .exec(ws("close").close());
    setUp(idle.injectOpen(rampUsers(connections).during(Duration.ofSeconds(ramp))))
        .protocols(Tandem.protocol())
        .assertions(global().failedRequests().percent().lt(0.1), details("connect").responseTime().percentile(99.0).lt(2000));
  }
}
