package io.tandem.api;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.auth.Tokens;
import io.tandem.wire.ApiError;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** Lets a request through only with {@code Authorization: Bearer <valid access token>}; 401 otherwise. */
final class BearerAuthentication implements Handler<RoutingContext> {
  private static final String CALLER = "caller";

  private final Tokens tokens;

  BearerAuthentication(Tokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Optional<String> token = Tokens.bearer(ctx.request().getHeader("Authorization"));
    if (token.isEmpty()) {
      ctx.fail(ApiError.unauthorized("send Authorization: Bearer <accessToken>"));
      return;
    }
    tokens.verify(token.get())
        .onSuccess(caller -> {
          ctx.put(CALLER, caller);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  static AuthenticatedUser caller(RoutingContext ctx) {
    AuthenticatedUser caller = ctx.get(CALLER);
    if (caller == null) {
      throw new IllegalStateException("route " + ctx.normalizedPath() + " reads the caller without BearerAuthentication");
    }
    return caller;
  }
}
