package io.tandem;

import io.tandem.db.DatabaseOutages;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this node's repair sweeps (presence, rooms) every interval, one after the other, never two
 * rounds at once. Each sweep does what timers on a dead node would have done, with conditional
 * writes, so every node running them at the same time is harmless. A sweep that fails because the
 * database is away is retried next round; the outage is logged once, not once per sweep.
 */
final class Sweeper extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(Sweeper.class);

  private final Duration interval;
  private final Map<String, Supplier<Future<Void>>> sweeps;
  private final DatabaseOutages outages;
  private boolean sweeping;

  Sweeper(Duration interval, Map<String, Supplier<Future<Void>>> sweeps, DatabaseOutages outages) {
    this.interval = interval;
    this.sweeps = sweeps;
    this.outages = outages;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(interval.toMillis(), t -> sweep());
    return Future.succeededFuture();
  }

  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    Future<Void> round = Future.succeededFuture();
    for (Map.Entry<String, Supplier<Future<Void>>> sweep : sweeps.entrySet()) {
      round = round.compose(v -> sweep.getValue().get()
          .recover(e -> {
            if (!outages.absorb(e, sweep.getKey() + " sweep")) {
              log.warn("{} sweep failed: {}", sweep.getKey(), e.getMessage());
            }
            return Future.succeededFuture();
          }));
    }
    round.onComplete(done -> sweeping = false);
  }
}
