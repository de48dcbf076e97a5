package io.tandem.gateway;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.tandem.auth.AuthenticatedUser;
import io.tandem.auth.Tokens;
import io.tandem.db.DatabaseOutages;
import io.tandem.session.RoomMembership;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ws}: checks the browser origin against {@code http.allowedOrigins} (403; the server's
 * own origin is always allowed) and the access token (401) before the upgrade, from
 * {@code Authorization: Bearer} or, for browsers, {@code ?token=}; then runs a {@link Connection}
 * and tells the {@link ConnectionListener} when it opens and closes. Other paths are 404.
 */
public final class WebSocketGateway implements Handler<ServerWebSocketHandshake> {
  private static final Logger log = LoggerFactory.getLogger(WebSocketGateway.class);
  public static final String PATH = "/ws";

  private final Transcripts transcripts;
  private final Vertx vertx;
  private final Tokens tokens;
  private final List<String> allowedOrigins;
  private final WsConfig config;
  private final FrameDispatcher dispatcher;
  private final ConnectionListener listener;
  private final DatabaseOutages outages;
  /** Open WebSockets of this node, as the gauge {@code tandem.websocket.connections} reports them. */
  private final AtomicInteger open = new AtomicInteger();

  /** {@code transcripts}: where a connection reads the chat messages it missed live. */
  public WebSocketGateway(Vertx vertx, Tokens tokens, List<String> allowedOrigins, WsConfig config, FrameDispatcher dispatcher,
      ConnectionListener listener, Transcripts transcripts, DatabaseOutages outages, MeterRegistry meters) {
    this.transcripts = transcripts;
    this.outages = outages;
    Gauge.builder("tandem.websocket.connections", open, AtomicInteger::get).description("open WebSocket connections of this node")
        .register(meters);
    this.vertx = vertx;
    this.tokens = tokens;
    this.allowedOrigins = allowedOrigins;
    this.config = config;
    this.dispatcher = dispatcher;
    this.listener = listener;
  }

  @Override
  public void handle(ServerWebSocketHandshake handshake) {
    if (!PATH.equals(handshake.path())) {
      handshake.reject(404);
      return;
    }
    String origin = handshake.headers().get("Origin");
    if (origin != null && !allowedOrigins.contains(origin) && !sameOrigin(origin, handshake)) {
      log.info("WebSocket from origin {} refused: not in http.allowedOrigins", origin);
      handshake.reject(403);
      return;
    }
    Optional<String> token = token(handshake);
    if (token.isEmpty()) {
      handshake.reject(401);
      return;
    }
    tokens.verify(token.get())
        .onSuccess(user -> handshake.accept()
            .onSuccess(socket -> open(user, socket))
            .onFailure(e -> log.debug("upgrade for user {} failed: {}", user.id(), e.getMessage())))
        .onFailure(e -> handshake.reject(401));
  }

  private void open(AuthenticatedUser user, ServerWebSocket socket) {
    ConnectionContext context = new ConnectionContext(user, UUID.randomUUID(), new RoomMembership());
    Connection connection = new Connection(vertx, socket, context, dispatcher, config, outages, transcripts);
    Future<List<JsonObject>> greeting = listener.opened(context)
        .onFailure(e -> log.warn("connection {} of user {} not recorded: {}", context.connectionId(), user.id(), e.getMessage()));
    Future<Void> registered = greeting.mapEmpty();
    open.incrementAndGet();
    connection.start(greeting, silent -> {
      open.decrementAndGet();
      registered.eventually(() -> listener.closed(context, silent))
          .onFailure(e -> log.warn("connection {} of user {} not forgotten: {}", context.connectionId(), user.id(), e.getMessage()));
    });
    log.debug("user {} connected ({})", user.id(), context.connectionId());
  }

  /** A page served by this very host may always connect; the allow-list is for other origins. */
  private static boolean sameOrigin(String origin, ServerWebSocketHandshake handshake) {
    String host = handshake.headers().get("Host");
    return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
  }

  private static Optional<String> token(ServerWebSocketHandshake handshake) {
    Optional<String> bearer = Tokens.bearer(handshake.headers().get("Authorization"));
    if (bearer.isPresent()) {
      return bearer;
    }
    List<String> query = new QueryStringDecoder(handshake.uri()).parameters().get("token");
    return query == null || query.isEmpty() || query.get(0).isBlank() ? Optional.empty() : Optional.of(query.get(0));
  }
}
