package io.tandem.presence;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code tandem_experts_online}: experts online in the whole cluster as PostgreSQL counts them,
 * sampled on every sweep (a scrape must not wait for the database). Every node reports the same
 * number: aggregate with {@code max}, not {@code sum}.
 */
public final class OnlineExperts {
  private final PresenceRepository presence;
  private final AtomicLong online = new AtomicLong();

  OnlineExperts(PresenceRepository presence, MeterRegistry registry) {
    this.presence = presence;
    Gauge.builder("tandem.experts.online", online, AtomicLong::get)
        .description("experts online in the cluster, as of this node's last sweep").register(registry);
  }

  public Future<Void> sample() {
    return presence.countOnline().map(count -> {
      online.set(count);
      return null;
    });
  }
}
