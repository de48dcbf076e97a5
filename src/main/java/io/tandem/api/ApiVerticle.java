package io.tandem.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocketHandshake;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server. Several instances share one port (Vert.x spreads connections across their event
 * loops). Stopping it is the graceful part of shutdown: no new connections, in-flight requests get
 * {@code http.shutdownGraceSeconds} to finish.
 */
public final class ApiVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ApiVerticle.class);

  private final HttpConfig config;
  private final UnaryOperator<HttpServerOptions> webSocketLimits;
  private final int port;
  private final HttpApi api;
  private final Handler<ServerWebSocketHandshake> webSockets;
  private HttpServer server;

  /**
   * @param webSocketLimits the gateway's limits, applied to the server its connections arrive on
   * @param port the port to bind (a free one already chosen when {@code http.port} is 0)
   */
  public ApiVerticle(HttpConfig config, UnaryOperator<HttpServerOptions> webSocketLimits, int port, HttpApi api, Handler<ServerWebSocketHandshake> webSockets) {
    this.webSockets = webSockets;
    this.config = config;
    this.webSocketLimits = webSocketLimits;
    this.port = port;
    this.api = api;
  }

  @Override
  public Future<?> start() {
    // Strict thread mode: every request's answer is written from its connection's event loop (all
    // of Tandem's handlers answer there), so Vert.x writes straight to the channel instead of
    // through a queue per connection; it saved 4.6 KB of heap per idle connection (docs/benchmarks.md).
    // Vert.x marks the option experimental; the whole suite runs with it.
    // No upgrade from HTTP/1.1 to clear-text HTTP/2 (h2c): in Vert.x 5.0.10 about one large answer in
    // a hundred (the contract documents, the app's style sheet) reached an upgraded client with its
    // bytes out of HTTP/2 framing, with or without strict thread mode (ClearTextUpgradeTest). Java's
    // HttpClient asks for the upgrade by default; browsers never do, as they speak HTTP/2 only over
    // TLS, which a proxy in front of Tandem terminates. Refused, the upgrade is answered in HTTP/1.1.
    server = vertx.createHttpServer(webSocketLimits.apply(new HttpServerOptions()
            .setHost(config.host())
            .setPort(port)
            .setHttp2ClearTextEnabled(false)
            .setStrictThreadMode(true)))
        .requestHandler(api.router(vertx))
        .webSocketHandshakeHandler(webSockets)
        .webSocketHandler(socket -> {
          // Each socket is taken over by the handshake handler's accept(); nothing more to do here.
        });
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    log.debug("HTTP server on port {} stopping; in-flight requests have {}", server.actualPort(), config.shutdownGrace());
    return server.shutdown(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
  }
}
