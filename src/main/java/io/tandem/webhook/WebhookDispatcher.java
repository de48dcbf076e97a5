package io.tandem.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.db.DatabaseOutages;
import io.tandem.wire.StandardWebhooks;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this node's share of the outbox: every {@code webhooks.pollInterval} it claims due
 * deliveries, POSTs each (signed) and settles it; a round that found work is followed at once by
 * another, so a backlog drains at the speed of the receivers, not of the timer. Every node runs one;
 * claims are SKIP LOCKED, so they share the work, and a dead node's claims fall due again.
 */
public final class WebhookDispatcher extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
  /** How much of a receiver's answer is kept in the delivery log, to show an operator what went wrong. */
  private static final int ERROR_EXCERPT = 300;
  /** Bytes of a receiver's answer read at most; the rest is discarded as it arrives. */
  private static final int ANSWER_KEPT = 4096;
  /** Beyond the request timeout, how long a claim lasts before another node may send the delivery again. */
  private static final Duration CLAIM_MARGIN = Duration.ofSeconds(5);

  private final WebhookStore store;
  private final WebhookConfig config;
  private final RetryPolicy retries;
  private final DatabaseOutages outages;
  private final Clock clock;
  private final Counter delivered;
  private final Counter failed;
  private final Counter gaveUp;
  private HttpClientAgent client;
  private boolean running;
  private boolean stopped;

  public WebhookDispatcher(WebhookStore store, WebhookConfig config, DatabaseOutages outages, MeterRegistry meters, Clock clock) {
    this.store = store;
    this.config = config;
    this.retries = new RetryPolicy(config.initialBackoff(), config.maxBackoff(), config.giveUpAfter());
    this.outages = outages;
    this.clock = clock;
    this.delivered = deliveries(meters, "delivered");
    this.failed = deliveries(meters, "failed");
    this.gaveUp = deliveries(meters, "gave_up");
  }

  private static Counter deliveries(MeterRegistry meters, String result) {
    return Counter.builder("tandem.webhook.deliveries").tag("result", result)
        .description("webhook delivery attempts, by result (failed: to be retried)").register(meters);
  }

  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(new HttpClientOptions()
            .setConnectTimeout((int) config.timeout().toMillis())
            .setKeepAlive(true)
            .setMetricsName("tandem-webhooks"),
        new PoolOptions().setHttp1MaxSize(config.batchSize()));
    vertx.setPeriodic(config.pollInterval().toMillis(), t -> round());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return client == null ? Future.succeededFuture() : client.close();
  }

  private void round() {
    if (running || stopped) {
      return;
    }
    running = true;
    store.claim(config.batchSize(), config.timeout().plus(CLAIM_MARGIN))
        .compose(claimed -> Future.all(claimed.stream().map(this::send).toList())
            .compose(sent -> settle(claimed, sent.list()))
            .map(claimed.size()))
        .onComplete(done -> {
          running = false;
          if (done.failed()) {
            if (!stopped && !outages.absorb(done.cause(), "webhook delivery")) {
              log.warn("webhook round failed (trying again in {} ms): {}", config.pollInterval().toMillis(), done.cause().getMessage());
            }
          } else if (done.result() > 0) {
            round();
          }
        });
  }

  /** One attempt; never fails: what the receiver answered, or why it did not. */
  private Future<Answer> send(WebhookStore.Claimed c) {
    String body = c.body();
    long timestamp = clock.instant().getEpochSecond();
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(c.url())
        .setIdleTimeout(config.timeout().toMillis())
        .putHeader("content-type", "application/json")
        .putHeader("user-agent", "Tandem-Webhooks/1")
        .putHeader("webhook-id", c.eventId().toString())
        .putHeader("webhook-timestamp", Long.toString(timestamp))
        .putHeader("webhook-signature", StandardWebhooks.sign(c.secret(), c.eventId().toString(), timestamp, body));
    return client.request(request)
        .compose(req -> req.send(Buffer.buffer(body)))
        .compose(response -> {
          // Only the start of the answer is kept (for the log): a receiver cannot make the sender buffer a large one.
          Buffer start = Buffer.buffer();
          response.handler(chunk -> start.appendBuffer(chunk, 0, Math.max(0, Math.min(chunk.length(), ANSWER_KEPT - start.length()))));
          return response.end().map(v -> new Answer(response.statusCode(), start.toString()));
        })
        .otherwise(e -> new Answer(null, describe(e)));
  }

  private record Answer(Integer status, String text) {
    boolean delivered() {
      return status != null && status >= 200 && status < 300;
    }
  }

  /**
   * Writes what came of a round: its deliveries in one statement (a round of fifty costs one commit,
   * not fifty), each failure in its own. Should the write fail, the claims run out and the deliveries
   * are sent again: at least once.
   */
  private Future<Void> settle(List<WebhookStore.Claimed> claimed, List<Answer> answers) {
    List<WebhookStore.Claimed> ok = new ArrayList<>();
    List<Integer> statuses = new ArrayList<>();
    List<Future<Void>> writes = new ArrayList<>();
    for (int i = 0; i < claimed.size(); i++) {
      WebhookStore.Claimed c = claimed.get(i);
      Answer answer = answers.get(i);
      if (answer.delivered()) {
        delivered.increment();
        log.debug("webhook {} ({}) delivered to {} on attempt {}", c.eventId(), c.type(), c.url(), c.attempts());
        ok.add(c);
        statuses.add(answer.status());
      } else {
        writes.add(failed(c, answer));
      }
    }
    writes.add(ok.isEmpty() ? Future.succeededFuture() : store.delivered(ok, statuses));
    return Future.join(writes).<Void>mapEmpty().recover(e -> {
      if (!outages.absorb(e, "webhook delivery")) {
        log.warn("webhook outcomes of a round not written (those deliveries will be sent again): {}", e.getMessage());
      }
      return Future.succeededFuture();
    });
  }

  private Future<Void> failed(WebhookStore.Claimed c, Answer answer) {
    String error = answer.status() == null ? answer.text() : "HTTP " + answer.status() + ": " + excerpt(answer.text());
    Optional<Duration> retryIn = retries.after(c.attempts(), Duration.between(c.occurredAt(), clock.instant()));
    if (retryIn.isEmpty()) {
      gaveUp.increment();
      log.warn("webhook {} ({}) to {} (subscription {}) given up after {} attempts: {}", c.eventId(), c.type(), c.url(), c.subscription(),
          c.attempts(), error);
    } else {
      failed.increment();
      log.info("webhook {} ({}) to {} (subscription {}) failed on attempt {} ({}); next in {} ms", c.eventId(), c.type(), c.url(),
          c.subscription(), c.attempts(), error, retryIn.get().toMillis());
    }
    return store.failed(c, answer.status(), error, retryIn);
  }

  private static String excerpt(String text) {
    String oneLine = text.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= ERROR_EXCERPT ? oneLine : oneLine.substring(0, ERROR_EXCERPT) + "…";
  }

  private static String describe(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return excerpt(message);
  }
}
