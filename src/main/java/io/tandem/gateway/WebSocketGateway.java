package io.tandem.gateway;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.auth.Tokens;
import io.tandem.config.TandemConfig.WsConfig;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ws}: checks the browser origin against {@code http.allowedOrigins} (403; the server's
 * own origin is always allowed) and the access token (401) before the upgrade,
 * from {@code Authorization: Bearer} or, for browsers, {@code ?token=}; then runs a
 * {@link Connection} and tells the {@link ConnectionListener} when it opens and closes.
 */
public final class WebSocketGateway implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(WebSocketGateway.class);

  private final Tokens tokens;
  private final List<String> allowedOrigins;
  private final WsConfig config;
  private final FrameDispatcher dispatcher;
  private final ConnectionListener listener;

  public WebSocketGateway(Tokens tokens, List<String> allowedOrigins, WsConfig config, FrameDispatcher dispatcher,
      ConnectionListener listener) {
    this.tokens = tokens;
    this.allowedOrigins = allowedOrigins;
    this.config = config;
    this.dispatcher = dispatcher;
    this.listener = listener;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String origin = request.getHeader("Origin");
    if (origin != null && !allowedOrigins.contains(origin) && !sameOrigin(origin, request)) {
      ctx.fail(ApiError.forbidden("origin " + origin + " is not allowed; see http.allowedOrigins"));
      return;
    }
    String token = token(request);
    if (token == null) {
      ctx.fail(ApiError.unauthorized("send Authorization: Bearer <accessToken> or ?token=<accessToken>"));
      return;
    }
    request.pause();
    tokens.verify(token)
        .compose(user -> request.toWebSocket().map(socket -> {
          open(ctx, user, socket);
          return null;
        }))
        .onFailure(failure -> {
          request.resume();
          ctx.fail(failure);
        });
  }

  private void open(RoutingContext ctx, AuthenticatedUser user, io.vertx.core.http.ServerWebSocket socket) {
    ConnectionContext context = new ConnectionContext(user, UUID.randomUUID());
    Connection connection = new Connection(ctx.vertx(), socket, context, dispatcher, config);
    Future<Void> registered = listener.opened(context)
        .onFailure(e -> log.warn("connection {} of user {} not recorded: {}", context.connectionId(), user.id(), e.getMessage()));
    connection.start(() -> registered.eventually(() -> listener.closed(context))
        .onFailure(e -> log.warn("connection {} of user {} not forgotten: {}", context.connectionId(), user.id(), e.getMessage())));
    log.debug("user {} connected ({})", user.id(), context.connectionId());
  }

  /** A page served by this very host may always connect; the allow-list is for other origins. */
  private static boolean sameOrigin(String origin, HttpServerRequest request) {
    String host = request.getHeader("Host");
    return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
  }

  private static String token(HttpServerRequest request) {
    String query = request.getParam("token");
    return Tokens.bearer(request.getHeader("Authorization")).orElse(query == null || query.isBlank() ? null : query);
  }
}
