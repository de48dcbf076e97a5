package io.tandem.load;

import static io.gatling.javaapi.core.CoreDsl.*;

import io.gatling.javaapi.core.*;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * N experts register (seeded), connect, go online and serve requests for the whole run: accept
 * after a random think time (2 to 8 s), join, chat, end. A steady light client load keeps them
 * busy. What it shows: how offers flow to a large online pool and back.
 *
 * <p>{@code -Dexperts=200 -Dclients.perSecond=2 -Dduration=60}
 */
public class ExpertsOnlineSimulation extends Simulation {
  {
    int experts = Integer.getInteger("experts", 200);
    double rate = Double.parseDouble(System.getProperty("clients.perSecond", "2"));
    int seconds = InstantConsultationSimulation.SECONDS;
    Map<String, List<Map<String, Object>>> seeded = Tandem.seed((int) Math.ceil(rate * seconds) + 10, experts);
    setUp(
        InstantConsultationSimulation.experts(seeded.get("experts"), 2, 8).injectOpen(rampUsers(experts).during(Duration.ofSeconds(10))),
        InstantConsultationSimulation.clients(seeded.get("clients"))
            .injectOpen(nothingFor(Duration.ofSeconds(12)), constantUsersPerSec(rate).during(Duration.ofSeconds(seconds))))
        .protocols(Tandem.protocol())
        .assertions(details("request.matched").failedRequests().percent().lt(1.0), details("ack on").responseTime().percentile(99.0).lt(1000));
  }
}
