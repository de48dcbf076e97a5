package io.tandem.gateway;

import io.tandem.bus.Addresses;
import io.tandem.config.TandemConfig.WsConfig;
import io.tandem.wire.ApiError;
import io.tandem.wire.JsonInput;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket of one user. Reads JSON text frames, answers each frame that has a {@code cid}
 * with exactly one {@code ack} or {@code error}, and writes every event published on the user's
 * address. Runs on the event loop of the server verticle that accepted it.
 */
final class Connection {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);
  /** WebSocket close code for a connection that stopped answering pings. */
  private static final short GOING_AWAY = 1001;
  /** WebSocket close code for a frame over {@code ws.maxFrameBytes}. */
  private static final short MESSAGE_TOO_BIG = 1009;

  private final Vertx vertx;
  private final ServerWebSocket socket;
  private final ConnectionContext context;
  private final FrameDispatcher dispatcher;
  private final WsConfig config;
  private final TokenBucket rateLimit;
  private MessageConsumer<JsonObject> deliveries;
  private long pingTimer;
  private long lastHeardNanos = System.nanoTime();

  Connection(Vertx vertx, ServerWebSocket socket, ConnectionContext context, FrameDispatcher dispatcher, WsConfig config) {
    this.vertx = vertx;
    this.socket = socket;
    this.context = context;
    this.dispatcher = dispatcher;
    this.config = config;
    this.rateLimit = new TokenBucket(config.framesPerSecond(), config.frameBurst(), System.nanoTime());
  }

  /** Starts reading and delivering; {@code onClose} runs once when the socket is gone, for whatever reason. */
  void start(Runnable onClose) {
    deliveries = vertx.eventBus().consumer(Addresses.user(context.user().id()), message -> write(message.body()));
    socket.textMessageHandler(this::onText);
    socket.binaryMessageHandler(binary -> {
      heard();
      reply(null, ApiError.badRequest("frames must be JSON text, not binary"));
    });
    socket.pongHandler(pong -> heard());
    socket.exceptionHandler(e -> log.debug("connection {} of user {}: {}", context.connectionId(), context.user().id(), e.toString()));
    socket.closeHandler(v -> {
      vertx.cancelTimer(pingTimer);
      deliveries.unregister();
      onClose.run();
    });
    pingTimer = vertx.setPeriodic(config.pingInterval().toMillis(), t -> keepAlive());
  }

  private void keepAlive() {
    if (System.nanoTime() - lastHeardNanos > config.idleTimeout().toNanos()) {
      log.info("connection {} of user {} closed: silent for {}", context.connectionId(), context.user().id(), config.idleTimeout());
      socket.close(GOING_AWAY, "idle");
      return;
    }
    socket.writePing(Buffer.buffer());
  }

  private void heard() {
    lastHeardNanos = System.nanoTime();
  }

  private void onText(String text) {
    heard();
    if (tooLarge(text)) {
      log.info("connection {} of user {} closed: a frame over {} bytes", context.connectionId(), context.user().id(), config.maxFrameBytes());
      socket.close(MESSAGE_TOO_BIG, "frame larger than " + config.maxFrameBytes() + " bytes");
      return;
    }
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      reply(null, ApiError.badRequest("a frame must be one JSON object"));
      return;
    }
    Object cid = frame.getValue("cid");
    if (!rateLimit.tryTake(System.nanoTime())) {
      reply(cid, new ApiError(io.tandem.wire.ErrorCode.RATE_LIMITED,
          "more than " + config.framesPerSecond() + " frames a second; slow down"));
      return;
    }
    if (!(frame.getValue("type") instanceof String type) || type.isBlank()) {
      reply(cid, ApiError.badRequest("a frame needs a string 'type'"));
      return;
    }
    dispatcher.dispatch(context, type, JsonInput.of(frame)).onComplete(ar -> {
      if (ar.succeeded()) {
        if (cid != null) {
          write(new JsonObject().put("type", "ack").put("cid", cid).mergeIn(ar.result() == null ? new JsonObject() : ar.result()));
        }
      } else {
        reply(cid, asApiError(type, ar.cause()));
      }
    });
  }

  /** A char is 1 to 3 bytes of UTF-8: only text that could be over the limit is counted exactly. */
  private boolean tooLarge(String text) {
    int max = config.maxFrameBytes();
    return text.length() > max
        || (long) text.length() * 3 > max && text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > max;
  }

  private ApiError asApiError(String type, Throwable failure) {
    if (failure instanceof ApiError error) {
      return error;
    }
    log.error("frame {} from user {} failed", type, context.user().id(), failure);
    return ApiError.internal();
  }

  private void reply(Object cid, ApiError error) {
    JsonObject frame = new JsonObject().put("type", "error");
    if (cid != null) {
      frame.put("cid", cid);
    }
    write(frame.put("code", error.code().wireName()).put("message", error.getMessage()));
  }

  private void write(JsonObject event) {
    if (!socket.isClosed()) {
      socket.writeTextMessage(event.encode());
    }
  }
}
