package io.tandem.api;

import io.tandem.config.HttpConfig;
import io.tandem.config.WsConfig;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;
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
  private final WsConfig ws;
  private final int port;
  private final HttpApi api;
  private final Handler<ServerWebSocketHandshake> webSockets;
  private HttpServer server;

  /** @param port the port to bind (a free one already chosen when {@code http.port} is 0) */
  public ApiVerticle(HttpConfig config, WsConfig ws, int port, HttpApi api, Handler<ServerWebSocketHandshake> webSockets) {
    this.webSockets = webSockets;
    this.config = config;
    this.ws = ws;
    this.port = port;
    this.api = api;
  }

  @Override
  public Future<?> start() {
    // Netty's decoder refuses a frame over ws.maxFrameBytes from its header, before reading it,
    // and the gateway's ChannelGuard turns that into a close frame 1009; messages of several
    // frames are limited by the gateway's MessageAssembler. Outgoing messages larger than this
    // are sent in fragments. The kernel's send buffer is ws.sendBufferBytes for every connection
    // (WebSocket or not), so that a slow reader's output waits where the gateway counts it.
    // Strict thread mode: every request's answer is written from its connection's event loop (all
    // of Tandem's handlers answer there), so Vert.x writes straight to the channel instead of
    // through a queue per connection; it saved 4.6 KB of heap per idle connection (docs/benchmarks.md).
    // Vert.x marks the option experimental; the whole suite runs with it.
    // No upgrade from HTTP/1.1 to clear-text HTTP/2 (h2c): in Vert.x 5.0.10 about one large answer in
    // a hundred (the contract documents, the app's style sheet) reached an upgraded client with its
    // bytes out of HTTP/2 framing, with or without strict thread mode (ClearTextUpgradeTest). Java's
    // HttpClient asks for the upgrade by default; browsers never do, as they speak HTTP/2 only over
    // TLS, which a proxy in front of Tandem terminates. Refused, the upgrade is answered in HTTP/1.1.
    server = vertx.createHttpServer(new HttpServerOptions()
            .setHost(config.host())
            .setPort(port)
            .setHttp2ClearTextEnabled(false)
            .setSendBufferSize(ws.sendBufferBytes())
            .setStrictThreadMode(true)
            .setMaxWebSocketFrameSize(ws.maxFrameBytes())
            .setMaxWebSocketMessageSize(ws.maxFrameBytes())
            .setPerMessageWebSocketCompressionSupported(ws.perMessageDeflate())
            .setPerFrameWebSocketCompressionSupported(ws.perMessageDeflate()))
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
