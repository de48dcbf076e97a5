package io.tandem.session;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.TandemConfig;
import io.tandem.auth.AccountRepository;
import io.tandem.bus.UserEvents;
import io.tandem.kernel.RequestId;
import io.tandem.matching.ExpertLoads;
import io.tandem.matching.MatchingQueries;
import io.tandem.matching.RequestRepository;
import io.tandem.matching.Requeue;
import io.tandem.money.Pricing;
import io.tandem.money.TopicPrices;
import io.tandem.presence.PresenceRepository;
import io.tandem.reliability.Penalties;
import io.tandem.reliability.PenaltyPolicy;
import io.tandem.testing.RunningNode;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.Optional;

/**
 * An outcome service of its own on a running node's pool and event bus, as another node's would be:
 * tests race several of these against each other and against the nodes' own sweepers.
 */
public final class RacingOutcomes {
  private RacingOutcomes() {}

  public static Outcomes on(RunningNode node, TandemConfig config) {
    Penalties penalties = new Penalties(new PenaltyPolicy(config.penalties()), PresenceRepository::suspended, AccountRepository.SUSPENSIONS);
    // Prices are fixed in the sessions' rows: the catalogue's are not needed to end them.
    Pricing pricing = new Pricing(config.ledger(), TopicPrices.NONE);
    MatchingQueries matching = new MatchingQueries(node.node().pool(), pricing);
    // Requeues without announcing them: nobody in these tests waits on the event bus for a requeued request.
    Requeue requeue = new Requeue() {
      @Override
      public Future<Optional<Requeued>> first(SqlClient sql, RequestId request) {
        return RequestRepository.requeueFirst(sql, request, config.matching().requestMaxWait());
      }

      @Override
      public void announce(Requeued requeued) {}
    };
    return new Outcomes(node.node().pool(), penalties, pricing, config.session(), requeue,
        new UserEvents(node.node().vertx()), new ExpertLoads(node.node().vertx().eventBus(), matching),
        new SessionMetrics(new SimpleMeterRegistry()));
  }
}
