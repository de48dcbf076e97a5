package io.tandem.api;

import io.tandem.auth.Role;
import io.tandem.kernel.UserId;
import io.tandem.kernel.Uuids;
import io.tandem.operator.OperatorFeature;
import io.tandem.topic.TopicDirectory;
import io.tandem.wire.ApiError;
import io.tandem.wire.QueryNumbers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** The operator console (admins only): its reads, the actions that put things right, and the audit log; and the public topic list. */
final class OperatorRoutes {
  private static final int DEFAULT_LIMIT = 50;
  private static final int MAX_LIMIT = 500;

  private final OperatorFeature operator;

  OperatorRoutes(OperatorFeature operator) {
    this.operator = operator;
  }

  void mount(Router router, BearerAuthentication authenticated) {
    router.get("/api/v1/topics").handler(Replies.json(200, ctx -> {
      // near: what someone typed in a picker; the answer adds the listed topics closest to it.
      String near = ctx.queryParams().get("near");
      if (near != null && (near.isBlank() || near.length() > 64)) {
        throw ApiError.badRequest("near must be 1 to 64 characters: what was typed in a topic picker");
      }
      return operator.views().topics().map(counts -> {
        JsonObject list = TopicDirectory.list(operator.topics().catalogue(), operator.topics().listedOnly(), counts,
            ctx.request().getHeader("Accept-Language"));
        return near == null ? list : list.put("closest", operator.topics().closestTo(near));
      });
    }));
    read(router, authenticated, "/api/v1/admin/topics", ctx -> Future.succeededFuture(TopicDirectory.forOperators(operator.topics().catalogue())));
    router.put("/api/v1/admin/topics/:topic").handler(authenticated).handler(Replies.json(200, ctx ->
        operator.actions().saveTopic(Replies.caller(ctx), ctx.pathParam("topic"), Replies.body(ctx))));
    read(router, authenticated, "/api/v1/admin/queue", ctx -> operator.views().queue());
    read(router, authenticated, "/api/v1/admin/requests", ctx -> operator.views().waitingRequests(limit(ctx)));
    read(router, authenticated, "/api/v1/admin/experts", ctx -> operator.views().experts());
    read(router, authenticated, "/api/v1/admin/sessions", ctx -> operator.views().liveSessions());
    read(router, authenticated, "/api/v1/admin/ledger", ctx -> operator.views().ledgerTotals());
    read(router, authenticated, "/api/v1/admin/penalties", ctx -> operator.views().penalties(limit(ctx)));
    read(router, authenticated, "/api/v1/admin/users", ctx -> {
      String query = ctx.queryParams().get("query");
      if (query != null && query.length() > 64) {
        throw ApiError.badRequest("query must be at most 64 characters");
      }
      return operator.views().users(query, limit(ctx));
    });
    read(router, authenticated, "/api/v1/admin/users/:id", ctx -> operator.views().user(UserId.parse(ctx.pathParam("id"))
        .orElseThrow(() -> ApiError.notFound("there is no user " + ctx.pathParam("id")))));
    read(router, authenticated, "/api/v1/admin/audit", ctx -> {
      String subject = ctx.queryParams().get("subject");
      return operator.audit().recent(limit(ctx), subject == null ? null
          : Uuids.parse(subject).orElseThrow(() -> ApiError.badRequest("subject must be the id of a user, request, session or penalty")));
    });

    act(router, authenticated, "/api/v1/admin/requests/:id/cancel", ctx ->
        operator.actions().cancelRequest(Replies.caller(ctx), ctx.pathParam("id"), Replies.body(ctx)));
    act(router, authenticated, "/api/v1/admin/sessions/:id/end", ctx ->
        operator.actions().endSession(Replies.caller(ctx), ctx.pathParam("id"), Replies.body(ctx)));
    act(router, authenticated, "/api/v1/admin/sessions/:id/refund", ctx ->
        operator.actions().refund(Replies.caller(ctx), ctx.pathParam("id"), Replies.body(ctx), ctx.request().getHeader("Idempotency-Key")));
    act(router, authenticated, "/api/v1/admin/users/:id/credits", ctx ->
        operator.actions().credit(Replies.caller(ctx), ctx.pathParam("id"), Replies.body(ctx), ctx.request().getHeader("Idempotency-Key")));
    act(router, authenticated, "/api/v1/admin/users/:id/suspension", ctx ->
        operator.actions().suspend(Replies.caller(ctx), ctx.pathParam("id"), Replies.body(ctx)));
    act(router, authenticated, "/api/v1/admin/users/:id/reinstate", ctx ->
        operator.actions().reinstate(Replies.caller(ctx), ctx.pathParam("id"), Replies.body(ctx)));
    act(router, authenticated, "/api/v1/admin/penalties/:id/waive", ctx ->
        operator.actions().waive(Replies.caller(ctx), ctx.pathParam("id"), Replies.body(ctx)));
  }

  private static void read(Router router, BearerAuthentication authenticated, String path, Function<RoutingContext, Future<JsonObject>> read) {
    router.get(path).handler(authenticated).handler(Replies.json(200, ctx -> {
      Replies.caller(ctx, Role.ADMIN, "read the operator console");
      return read.apply(ctx);
    }));
  }

  /** An operator's action: the actions check the role themselves (they are the operator feature's rule, not the route's). */
  private static void act(Router router, BearerAuthentication authenticated, String path, Function<RoutingContext, Future<JsonObject>> action) {
    router.post(path).handler(authenticated).handler(Replies.json(200, action::apply));
  }

  private static int limit(RoutingContext ctx) {
    Long limit = QueryNumbers.parse("limit", ctx.queryParams().get("limit"), 1, MAX_LIMIT);
    return limit == null ? DEFAULT_LIMIT : limit.intValue();
  }
}
