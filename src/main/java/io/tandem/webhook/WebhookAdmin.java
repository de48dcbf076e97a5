package io.tandem.webhook;

import io.tandem.kernel.Uuids;
import io.tandem.wire.ApiError;
import io.tandem.wire.QueryNumbers;
import io.tandem.wire.StandardWebhooks;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** What an admin does with webhooks over HTTP: subscriptions, their delivery log, and replays. Callers check the admin role. */
public final class WebhookAdmin {
  private static final int DEFAULT_LOG = 50;
  private static final int MAX_LOG = 500;
  public static final int MAX_SECRET_CHARS = 200;
  private static final Set<String> STATES = Set.of("pending", "delivered", "gave_up");

  private final WebhookStore store;

  WebhookAdmin(WebhookStore store) {
    this.store = store;
  }

  /** {@code GET /api/v1/admin/webhooks}: every subscription with its backlog. */
  public Future<List<WebhookStore.WithBacklog>> list() {
    return store.subscriptionsWithBacklog();
  }

  /** A subscription just made, with its signing secret: shown this once. */
  public record Subscribed(WebhookStore.Subscription subscription, String secret) {
    public JsonObject toJson() {
      return subscription.toJson().put("secret", secret);
    }
  }

  /**
   * {@code POST /api/v1/admin/webhooks} {@code {url, events?, secret?}}: 201 with the subscription and
   * its secret, shown this once (one is made when none is given).
   */
  public Future<Subscribed> subscribe(String url, List<String> events, Optional<String> secret) {
    if (!WebhookConfig.validUrl(url)) {
      throw ApiError.badRequest("url must be an absolute http:// or https:// URL, got " + url);
    }
    List<String> unknown = EventTypes.unknown(events);
    if (!unknown.isEmpty()) {
      throw ApiError.badRequest("events names unknown event types " + unknown + "; known: " + String.join(", ", EventTypes.ALL));
    }
    String signing = secret.orElseGet(StandardWebhooks::newSecret);
    return store.subscribe(url, signing, events).map(s -> new Subscribed(s, signing));
  }

  /** {@code DELETE /api/v1/admin/webhooks/{id}}: switched off, its log kept. */
  public Future<WebhookStore.Subscription> unsubscribe(String id) {
    UUID subscription = subscriptionId(id);
    return store.deactivate(subscription).compose(off -> off.isPresent()
        ? Future.succeededFuture(off.get())
        : store.subscription(subscription).compose(found -> Future.failedFuture(found.isPresent()
            ? ApiError.conflict("subscription " + id + " comes from the configuration (webhooks.url); change it there")
            : notFound(id))));
  }

  /** {@code GET /api/v1/admin/webhooks/{id}/deliveries?state=&beforeSeq=&limit=}: newest first. */
  public Future<List<Delivery>> deliveries(String id, String state, String beforeSeq, String limit) {
    UUID subscription = subscriptionId(id);
    if (state != null && !STATES.contains(state)) {
      throw ApiError.badRequest("state must be one of pending, delivered, gave_up; got " + state);
    }
    Long before = QueryNumbers.parse("beforeSeq", beforeSeq, 1, Long.MAX_VALUE);
    Long n = QueryNumbers.parse("limit", limit, 1, MAX_LOG);
    return existing(subscription, id)
        .compose(s -> store.deliveries(subscription, state, before, n == null ? DEFAULT_LOG : n.intValue()));
  }

  /** {@code POST /api/v1/admin/webhooks/{id}/deliveries/{eventId}/replay}: sent again at once, same id. */
  public Future<Delivery> replay(String id, String eventId) {
    UUID subscription = subscriptionId(id);
    UUID event = Uuids.parse(eventId).orElseThrow(() -> ApiError.notFound("subscription " + id + " has no delivery of event " + eventId));
    return store.replay(subscription, event).compose(replayed -> replayed
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ApiError.notFound("subscription " + id + " has no delivery of event " + eventId))));
  }

  private Future<WebhookStore.Subscription> existing(UUID subscription, String id) {
    return store.subscription(subscription).compose(found -> found
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(notFound(id))));
  }

  private static UUID subscriptionId(String id) {
    return Uuids.parse(id).orElseThrow(() -> notFound(id));
  }

  private static ApiError notFound(String id) {
    return ApiError.notFound("there is no webhook subscription " + id);
  }
}
