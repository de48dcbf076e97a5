package io.tandem.api;

import io.tandem.auth.Role;
import io.tandem.operator.OperatorViews;
import io.tandem.wire.QueryNumbers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** The operator console's reads (admins only) and the public topic list the client's topic picker shows. */
final class OperatorRoutes {
  private static final int DEFAULT_PENALTIES = 50;
  private static final int MAX_PENALTIES = 500;

  private final OperatorViews views;

  OperatorRoutes(OperatorViews views) {
    this.views = views;
  }

  void mount(Router router, BearerAuthentication authenticated) {
    router.get("/api/v1/topics").handler(Replies.json(200, ctx -> views.topics()));
    admin(router, authenticated, "/api/v1/admin/queue", ctx -> views.queue());
    admin(router, authenticated, "/api/v1/admin/experts", ctx -> views.experts());
    admin(router, authenticated, "/api/v1/admin/sessions", ctx -> views.liveSessions());
    admin(router, authenticated, "/api/v1/admin/ledger", ctx -> views.ledgerTotals());
    admin(router, authenticated, "/api/v1/admin/penalties", ctx -> views.penalties(limit(ctx)));
  }

  private static void admin(Router router, BearerAuthentication authenticated, String path, Function<RoutingContext, Future<JsonObject>> read) {
    router.get(path).handler(authenticated).handler(Replies.json(200, ctx -> {
      Replies.caller(ctx, Role.ADMIN, "read the operator console");
      return read.apply(ctx);
    }));
  }

  private static int limit(RoutingContext ctx) {
    Long limit = QueryNumbers.parse("limit", ctx.queryParams().get("limit"), 1, MAX_PENALTIES);
    return limit == null ? DEFAULT_PENALTIES : limit.intValue();
  }
}
