package io.tandem.presence;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the presence sweep on every node: dead nodes' connections, and experts whose grace ran out. */
public final class PresenceVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(PresenceVerticle.class);

  private final PresenceService presence;
  private final Duration interval;
  private boolean sweeping;

  public PresenceVerticle(PresenceService presence, Duration interval) {
    this.presence = presence;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(interval.toMillis(), t -> {
      if (sweeping) {
        return;
      }
      sweeping = true;
      presence.sweep()
          .onFailure(e -> log.warn("presence sweep failed: {}", e.getMessage()))
          .onComplete(done -> sweeping = false);
    });
    return Future.succeededFuture();
  }
}
