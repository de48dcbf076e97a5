package io.tandem.api;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.auth.Role;
import io.tandem.kernel.Mode;
import io.tandem.kernel.SessionStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.kernel.Uuids;
import io.tandem.operator.ActionResult;
import io.tandem.operator.Audit;
import io.tandem.operator.ConsoleRows;
import io.tandem.operator.OperatorActions;
import io.tandem.operator.OperatorFeature;
import io.tandem.reliability.Ratings;
import io.tandem.topic.TopicDirectory;
import io.tandem.topic.Topics;
import io.tandem.topic.TopicsConfig;
import io.tandem.wire.ApiError;
import io.tandem.wire.JsonInput;
import io.tandem.wire.QueryNumbers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    router.put("/api/v1/admin/topics/:topic").handler(authenticated).handler(Replies.json(200, ctx -> {
      AuthenticatedUser caller = Replies.caller(ctx);
      OperatorActions.operator(caller);
      JsonInput body = Replies.body(ctx);
      return operator.actions().saveTopic(caller, topicChange(ctx.pathParam("topic"), body), reason(body)).map(ActionResult::toJson);
    }));
    read(router, authenticated, "/api/v1/admin/queue", ctx -> operator.views().queue().map(rows -> list("topics", rows, ConsoleRows.Queue::toJson)));
    read(router, authenticated, "/api/v1/admin/requests", ctx -> operator.views().waitingRequests(limit(ctx))
        .map(rows -> list("requests", rows, ConsoleRows.Request::toJson)));
    read(router, authenticated, "/api/v1/admin/experts", ctx -> operator.views().experts().map(rows -> list("experts", rows, ConsoleRows.Expert::toJson)));
    read(router, authenticated, "/api/v1/admin/sessions", ctx -> operator.views().liveSessions()
        .map(rows -> list("sessions", rows, ConsoleRows.LiveSession::toJson)));
    read(router, authenticated, "/api/v1/admin/ledger", ctx -> operator.views().ledgerTotals().map(ConsoleRows.LedgerTotals::toJson));
    read(router, authenticated, "/api/v1/admin/penalties", ctx -> operator.views().penalties(limit(ctx))
        .map(rows -> list("penalties", rows, ConsoleRows.PenaltyLine::toJson)));
    read(router, authenticated, "/api/v1/admin/reviews", ctx -> operator.views().reportedReviews(limit(ctx))
        .map(rows -> list("reviews", rows, Ratings.Moderated::toJson)));
    read(router, authenticated, "/api/v1/admin/users", ctx -> {
      String query = ctx.queryParams().get("query");
      if (query != null && query.length() > 64) {
        throw ApiError.badRequest("query must be at most 64 characters");
      }
      return operator.views().users(query, limit(ctx)).map(rows -> list("users", rows, ConsoleRows.Account::toJson));
    });
    read(router, authenticated, "/api/v1/admin/users/:id", ctx -> operator.views().user(UserId.parse(ctx.pathParam("id"))
        .orElseThrow(() -> ApiError.notFound("there is no user " + ctx.pathParam("id")))).map(ConsoleRows.Person::toJson));
    read(router, authenticated, "/api/v1/admin/audit", ctx -> {
      String subject = ctx.queryParams().get("subject");
      return operator.audit().recent(limit(ctx), subject == null ? null
          : Uuids.parse(subject).orElseThrow(() -> ApiError.badRequest("subject must be the id of a user, request, session or penalty")))
          .map(rows -> list("actions", rows, Audit.Entry::toJson));
    });

    act(router, authenticated, "/api/v1/admin/requests/:id/cancel", (ctx, caller, body) ->
        operator.actions().cancelRequest(caller, ctx.pathParam("id"), reason(body)));
    act(router, authenticated, "/api/v1/admin/sessions/:id/end", (ctx, caller, body) -> {
      String outcome = body.requiredString("outcome", 1, 32);
      SessionStatus ending = SessionStatus.fromWire(outcome).filter(s -> !s.open())
          .orElseThrow(() -> body.invalid("outcome", "'" + outcome + "' is not how a session ends: completed, client_left, expert_left,"
              + " expert_no_show, client_no_show, both_no_show or abandoned"));
      return operator.actions().endSession(caller, ctx.pathParam("id"), ending, reason(body));
    });
    act(router, authenticated, "/api/v1/admin/sessions/:id/refund", (ctx, caller, body) -> {
      long amount = body.requiredInt("amount", 1, Integer.MAX_VALUE);
      return operator.actions().refund(caller, ctx.pathParam("id"), amount, reason(body), ctx.request().getHeader("Idempotency-Key"));
    });
    act(router, authenticated, "/api/v1/admin/users/:id/credits", (ctx, caller, body) -> {
      long amount = body.requiredInt("amount", 1, Integer.MAX_VALUE);
      return operator.actions().credit(caller, ctx.pathParam("id"), amount, reason(body), ctx.request().getHeader("Idempotency-Key"));
    });
    act(router, authenticated, "/api/v1/admin/users/:id/suspension", (ctx, caller, body) -> {
      int hours = body.requiredInt("hours", 1, OperatorActions.MAX_SUSPENSION_HOURS);
      return operator.actions().suspend(caller, ctx.pathParam("id"), hours, reason(body));
    });
    act(router, authenticated, "/api/v1/admin/users/:id/reinstate", (ctx, caller, body) ->
        operator.actions().reinstate(caller, ctx.pathParam("id"), reason(body)));
    act(router, authenticated, "/api/v1/admin/reviews/:id/hide", (ctx, caller, body) ->
        operator.actions().setReviewHidden(caller, ctx.pathParam("id"), true, reason(body)));
    act(router, authenticated, "/api/v1/admin/reviews/:id/show", (ctx, caller, body) ->
        operator.actions().setReviewHidden(caller, ctx.pathParam("id"), false, reason(body)));
    act(router, authenticated, "/api/v1/admin/penalties/:id/waive", (ctx, caller, body) ->
        operator.actions().waive(caller, ctx.pathParam("id"), reason(body)));
  }

  private static void read(Router router, BearerAuthentication authenticated, String path, Function<RoutingContext, Future<JsonObject>> read) {
    router.get(path).handler(authenticated).handler(Replies.json(200, ctx -> {
      Replies.caller(ctx, Role.ADMIN, "read the operator console");
      return read.apply(ctx);
    }));
  }

  /** An operator's action, read from the route and its body. */
  @FunctionalInterface
  private interface Action {
    Future<ActionResult> run(RoutingContext ctx, AuthenticatedUser caller, JsonInput body);
  }

  /**
   * An operator's action: a caller who is no administrator is refused before their body is read
   * (the actions check the role again: it is the operator feature's rule, not only the route's).
   */
  private static void act(Router router, BearerAuthentication authenticated, String path, Action action) {
    router.post(path).handler(authenticated).handler(Replies.json(200, ctx -> {
      AuthenticatedUser caller = Replies.caller(ctx);
      OperatorActions.operator(caller);
      return action.run(ctx, caller, Replies.body(ctx)).map(ActionResult::toJson);
    }));
  }

  private static String reason(JsonInput body) {
    return body.requiredString("reason", 1, OperatorActions.MAX_REASON);
  }

  /**
   * A topic of the catalogue as {@code PUT /api/v1/admin/topics/{topic}} gives it: {@code names}
   * in every language, {@code price} a number for every mode or {@code {chat?, video?, in_person?}}
   * (left out: none of its own, its parent's), {@code retired}.
   */
  private static Topics.Change topicChange(String slug, JsonInput body) {
    Topic topic = Topic.parse(slug).orElseThrow(() -> ApiError.badRequest("'" + slug + "' is not a topic: lowercase dotted words, most"
        + " general first, like career.interview"));
    JsonInput names = body.requiredObject("names");
    Map<String, String> named = new LinkedHashMap<>();
    for (String language : TopicsConfig.LANGUAGES) {
      named.put(language, names.requiredString(language, 1, TopicsConfig.MAX_NAME).strip());
    }
    Map<String, Long> prices = topicPrices(body);
    if (body.json().containsKey("retired") && !(body.json().getValue("retired") instanceof Boolean)) {
      throw body.invalid("retired", "must be true or false");
    }
    return new Topics.Change(topic, named, prices, Boolean.TRUE.equals(body.json().getValue("retired")));
  }

  /** A topic's own prices from {@code price}: a number (every mode) or per mode; none when left out. */
  private static Map<String, Long> topicPrices(JsonInput body) {
    Object price = body.json().getValue("price");
    if (price == null) {
      return Map.of();
    }
    if (price instanceof Number) {
      return Map.of(TopicsConfig.EVERY_MODE, (long) body.requiredInt("price", 0, Integer.MAX_VALUE));
    }
    JsonInput byMode = body.requiredObject("price");
    Map<String, Long> prices = new HashMap<>();
    for (String mode : byMode.json().fieldNames()) {
      if (Mode.fromWire(mode).isEmpty()) {
        throw body.invalid("price", "gives a price for " + mode + ", which is not a mode (chat, video, in_person)");
      }
      prices.put(mode, (long) byMode.requiredInt(mode, 0, Integer.MAX_VALUE));
    }
    return prices;
  }

  /** A list of the console's rows, under {@code name}. */
  private static <T> JsonObject list(String name, List<T> rows, Function<T, JsonObject> shape) {
    return new JsonObject().put(name, new JsonArray(rows.stream().map(shape).toList()));
  }

  private static int limit(RoutingContext ctx) {
    Long limit = QueryNumbers.parse("limit", ctx.queryParams().get("limit"), 1, MAX_LIMIT);
    return limit == null ? DEFAULT_LIMIT : limit.intValue();
  }
}
