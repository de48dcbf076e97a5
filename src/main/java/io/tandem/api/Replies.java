package io.tandem.api;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.auth.Role;
import io.tandem.wire.ApiError;
import io.tandem.wire.ErrorCode;
import io.tandem.wire.JsonInput;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** Turns a route's {@code Future<JsonObject>} into a response, and any failure into the contract's error body. */
final class Replies {
  /** What a 503 asks the caller to wait: about how often the node probes a database that went away. */
  static final String RETRY_AFTER_SECONDS = "2";

  private Replies() {}

  /** A handler answering {@code status} with the JSON the function produces; thrown errors fail the route too. */
  static Handler<RoutingContext> json(int status, Function<RoutingContext, Future<JsonObject>> route) {
    return ctx -> {
      Future<JsonObject> reply;
      try {
        reply = route.apply(ctx);
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      reply.onSuccess(body -> send(ctx, status, body)).onFailure(ctx::fail);
    };
  }

  static void send(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(body.toBuffer());
  }

  static void error(RoutingContext ctx, ApiError error) {
    if (error.code() == ErrorCode.UNAUTHORIZED) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    } else if (error.code() == ErrorCode.UNAVAILABLE) {
      ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
    }
    send(ctx, error.code().httpStatus(), error.toJson());
  }

  static JsonInput body(RoutingContext ctx) {
    return JsonInput.parse(ctx.body().buffer());
  }

  /** The caller proven by {@link BearerAuthentication}, which must run first on the route. */
  static AuthenticatedUser caller(RoutingContext ctx) {
    return BearerAuthentication.caller(ctx);
  }

  static AuthenticatedUser caller(RoutingContext ctx, Role required, String what) {
    AuthenticatedUser caller = caller(ctx);
    if (caller.role() != required) {
      throw ApiError.forbidden("only " + required.wireName() + "s may " + what);
    }
    return caller;
  }
}
