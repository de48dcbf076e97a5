package io.tandem.api;

import io.tandem.matching.NewRequest;
import io.tandem.matching.RequestService;
import io.tandem.matching.RequestView;
import io.tandem.wire.QueryNumbers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** Consultation requests over HTTP; the same service answers {@code request.*} frames. */
final class RequestRoutes {
  private static final int DEFAULT_LIMIT = 20;
  private static final int MAX_LIMIT = 100;

  private final RequestService requests;

  RequestRoutes(RequestService requests) {
    this.requests = requests;
  }

  void mount(Router router, BearerAuthentication authenticated) {
    router.post("/api/v1/requests").handler(authenticated).handler(Replies.json(201, ctx -> {
      // The caller's role first, as over WebSocket: someone who may not ask is told so whatever they sent.
      RequestService.requireClient(Replies.caller(ctx));
      NewRequest request = NewRequest.from(Replies.body(ctx), requests.limits());
      return requests.create(Replies.caller(ctx), request, ctx.request().getHeader("Idempotency-Key")).map(RequestView::createdJson);
    }));
    router.get("/api/v1/requests/:id").handler(authenticated).handler(Replies.json(200, ctx ->
        requests.get(Replies.caller(ctx), ctx.pathParam("id")).map(RequestView::toJson)));
    // A request that asked for one expert, offered to everyone from now on.
    router.post("/api/v1/requests/:id/open").handler(authenticated).handler(Replies.json(200, ctx ->
        requests.openToAll(Replies.caller(ctx), ctx.pathParam("id")).map(RequestView::toJson)));
    router.delete("/api/v1/requests/:id").handler(authenticated).handler(Replies.json(200, ctx ->
        requests.cancel(Replies.caller(ctx), ctx.pathParam("id")).map(cancelled -> RequestView.cancelledJson(ctx.pathParam("id")))));
    router.get("/api/v1/me/requests").handler(authenticated).handler(Replies.json(200, ctx -> {
      Long limit = QueryNumbers.parse("limit", ctx.queryParams().get("limit"), 1, MAX_LIMIT);
      return requests.mine(Replies.caller(ctx), limit == null ? DEFAULT_LIMIT : limit.intValue())
          .map(mine -> new JsonObject().put("requests", new JsonArray(mine.stream().map(RequestView::toJson).toList())));
    }));
  }
}
