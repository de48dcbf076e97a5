package io.tandem.baseline;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;

/**
 * Baseline for docs/benchmarks.md: the least a Vert.x WebSocket server can do. Every text frame on
 * {@code /ws} is sent straight back; no authentication, no parsing, nothing stored. Any other HTTP
 * request is answered {@code 200 {}} at once: the floor of an HTTP read, beside Tandem's public reads. Tandem's chat
 * path is this plus JSON, authorisation, PostgreSQL and the event bus, so the ratio between the two
 * is what those cost.
 *
 * <p>{@code -Dport=8090 -Dinstances=2} (one verticle, so one event loop, per instance).
 */
public final class EchoServer extends VerticleBase {
  private static final int PORT = Integer.getInteger("port", 8090);

  @Override
  public Future<?> start() {
    // No compression, like Tandem (ws.perMessageDeflate is off by default) and the Node relay.
    return vertx.createHttpServer(new HttpServerOptions().setPort(PORT)
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false))
        .requestHandler(request -> request.response().putHeader("Content-Type", "application/json").end("{}"))
        .webSocketHandler(socket -> {
          if (!"/ws".equals(socket.path())) {
            socket.close((short) 1008, "unknown path");
            return;
          }
          socket.textMessageHandler(socket::writeTextMessage);
        })
        .listen();
  }

  public static void main(String[] args) {
    int instances = Integer.getInteger("instances", 2);
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(EchoServer::new, new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("vertx echo listening on ws://localhost:" + PORT + "/ws (" + instances + " instances)"))
        .onFailure(e -> {
          e.printStackTrace();
          vertx.close();
        });
  }
}
