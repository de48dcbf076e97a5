package io.tandem.webhook;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.config.ConfigException;
import io.tandem.db.DatabaseOutages;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lifecycle webhooks, as the node uses them: the admin service behind the HTTP routes, the
 * dispatcher verticle that sends the outbox, and the sweeps that sample its backlog and prune its log.
 */
public record WebhookFeature(WebhookStore store, WebhookAdmin admin, WebhookDispatcher dispatcher, Backlog backlog) {
  /** Events pruned per sweep at most: a long-neglected log shrinks over a few sweeps instead of in one long statement. */
  private static final int PRUNE_BATCH = 1000;

  public static WebhookFeature build(Pool pool, WebhookConfig config, DatabaseOutages outages, MeterRegistry meters) {
    List<String> unknown = EventTypes.unknown(config.events());
    if (!unknown.isEmpty()) {
      throw new ConfigException("configuration key webhooks.events names unknown event types " + unknown + "; known: "
          + String.join(", ", EventTypes.ALL));
    }
    WebhookStore store = new WebhookStore(pool);
    return new WebhookFeature(store, new WebhookAdmin(store), new WebhookDispatcher(store, config, outages, meters, Clock.systemUTC()),
        new Backlog(store, config, meters));
  }

  /**
   * {@code tandem_webhook_outbox_pending} and {@code tandem_webhook_outbox_lag_seconds}, sampled on
   * every sweep; the outbox is the cluster's, so every node reports the same numbers ({@code max}).
   * The sweep also forgets settled events older than {@code webhooks.retentionHours}.
   */
  public static final class Backlog {
    private final WebhookStore store;
    private final WebhookConfig config;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong lagMillis = new AtomicLong();

    Backlog(WebhookStore store, WebhookConfig config, MeterRegistry meters) {
      this.store = store;
      this.config = config;
      Gauge.builder("tandem.webhook.outbox.pending", pending, AtomicLong::get)
          .description("webhook deliveries not yet settled, of active subscriptions (the cluster's)").register(meters);
      Gauge.builder("tandem.webhook.outbox.lag", lagMillis, millis -> millis.get() / 1000.0).baseUnit("seconds")
          .description("age of the oldest event still to be delivered (the cluster's)").register(meters);
    }

    public Future<Void> sweep() {
      return store.backlog()
          .map(b -> {
            pending.set(b.pending());
            lagMillis.set(b.oldest().toMillis());
            return null;
          })
          .compose(v -> store.prune(config.retention(), PRUNE_BATCH))
          .mapEmpty();
    }
  }
}
