package io.tandem.api;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.auth.Tokens;
import io.tandem.wire.ApiError;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** Lets a request through only with {@code Authorization: Bearer <valid access token>}; 401 otherwise. */
final class BearerAuthentication implements Handler<RoutingContext> {
  private static final String CALLER = "caller";
  private static final String PREFIX = "Bearer ";

  private final Tokens tokens;

  BearerAuthentication(Tokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      ctx.fail(ApiError.unauthorized("send Authorization: Bearer <accessToken>"));
      return;
    }
    tokens.verify(header.substring(PREFIX.length()).trim())
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
