package io.tandem.api;

import io.tandem.session.PastSession;
import io.tandem.session.SessionDetail;
import io.tandem.session.SessionViews;
import io.tandem.wire.JsonInput;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Sessions and their transcripts, for participants. */
final class SessionRoutes {
  private static final int MAX_PAGE = 500;

  private final SessionViews sessions;

  SessionRoutes(SessionViews sessions) {
    this.sessions = sessions;
  }

  void mount(Router router, BearerAuthentication authenticated) {
    router.get("/api/v1/me/sessions").handler(authenticated).handler(Replies.json(200, ctx ->
        sessions.history(Replies.caller(ctx).id(), queryParameters(ctx).optionalInt("limit", 1, MAX_PAGE).orElse(20)).map(PastSession::listJson)));
    router.get("/api/v1/sessions/:id").handler(authenticated).handler(Replies.json(200, ctx ->
        sessions.describe(Replies.caller(ctx), ctx.pathParam("id")).map(SessionDetail::toJson)));
    router.get("/api/v1/sessions/:id/messages").handler(authenticated).handler(Replies.json(200, ctx -> {
      JsonInput query = queryParameters(ctx);
      return sessions.transcript(Replies.caller(ctx), ctx.pathParam("id"),
          query.optionalInt("afterSeq", 0, Integer.MAX_VALUE).orElse(0), query.optionalInt("limit", 1, MAX_PAGE).orElse(100))
          .map(SessionViews.Transcript::toJson);
    }));
  }

  /** Query parameters read with the same validation as bodies: numbers must be numbers. */
  private static JsonInput queryParameters(RoutingContext ctx) {
    JsonObject query = new JsonObject();
    for (String name : new String[] {"afterSeq", "limit"}) {
      String value = ctx.queryParams().get(name);
      if (value != null) {
        try {
          query.put(name, Long.parseLong(value));
        } catch (NumberFormatException e) {
          query.put(name, value);
        }
      }
    }
    return JsonInput.of(query);
  }
}
