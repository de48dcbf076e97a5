package io.tandem.api;

import io.tandem.auth.Role;
import io.tandem.webhook.Delivery;
import io.tandem.webhook.EventTypes;
import io.tandem.webhook.WebhookAdmin;
import io.tandem.webhook.WebhookConfig;
import io.tandem.webhook.WebhookStore;
import io.tandem.wire.JsonInput;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;

/** Webhook subscriptions, their delivery log and replays: admins only (docs/webhooks.md). */
final class WebhookRoutes {
  private static final String BASE = "/api/v1/admin/webhooks";

  private final WebhookAdmin webhooks;

  WebhookRoutes(WebhookAdmin webhooks) {
    this.webhooks = webhooks;
  }

  void mount(Router router, BearerAuthentication authenticated) {
    admin(router, authenticated, HttpMethod.GET, BASE, 200, ctx -> webhooks.list().map(all -> new JsonObject()
        .put("subscriptions", new JsonArray(all.stream().map(WebhookStore.WithBacklog::toJson).toList()))
        .put("eventTypes", new JsonArray(EventTypes.ALL))));
    admin(router, authenticated, HttpMethod.POST, BASE, 201, ctx -> {
      JsonInput body = Replies.body(ctx);
      String url = body.requiredString("url", 1, 2000);
      List<String> events = body.optionalStrings("events", 0, EventTypes.ALL.size(), 40).orElse(List.of());
      return webhooks.subscribe(url, events, body.optionalString("secret", WebhookConfig.MIN_SECRET_CHARS, WebhookAdmin.MAX_SECRET_CHARS))
          .map(WebhookAdmin.Subscribed::toJson);
    });
    admin(router, authenticated, HttpMethod.DELETE, BASE + "/:id", 200, ctx -> webhooks.unsubscribe(ctx.pathParam("id"))
        .map(WebhookStore.Subscription::toJson));
    admin(router, authenticated, HttpMethod.GET, BASE + "/:id/deliveries", 200, ctx -> webhooks.deliveries(ctx.pathParam("id"),
        ctx.queryParams().get("state"), ctx.queryParams().get("beforeSeq"), ctx.queryParams().get("limit"))
        .map(log -> new JsonObject().put("deliveries", new JsonArray(log.stream().map(Delivery::toJson).toList()))));
    admin(router, authenticated, HttpMethod.POST, BASE + "/:id/deliveries/:eventId/replay", 200,
        ctx -> webhooks.replay(ctx.pathParam("id"), ctx.pathParam("eventId")).map(Delivery::toJson));
  }

  private static void admin(Router router, BearerAuthentication authenticated, HttpMethod method, String path, int status,
      Function<RoutingContext, Future<JsonObject>> call) {
    router.route(method, path).handler(authenticated).handler(Replies.json(status, ctx -> {
      Replies.caller(ctx, Role.ADMIN, "manage webhooks");
      return call.apply(ctx);
    }));
  }
}
