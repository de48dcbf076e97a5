package io.tandem.gateway;

import static io.tandem.gateway.CloseCodes.GOING_AWAY;
import static io.tandem.gateway.CloseCodes.INVALID_PAYLOAD;
import static io.tandem.gateway.CloseCodes.MESSAGE_TOO_BIG;
import static io.tandem.gateway.CloseCodes.NOT_RECORDED;
import static io.tandem.gateway.CloseCodes.PROTOCOL_ERROR;
import static io.tandem.gateway.CloseCodes.SHUTTING_DOWN;
import static io.tandem.gateway.CloseCodes.TRY_AGAIN_LATER;

import io.tandem.bus.Addresses;
import io.tandem.bus.EventLoop;
import io.tandem.db.DatabaseOutages;
import io.tandem.wire.ApiError;
import io.tandem.wire.ErrorCode;
import io.tandem.wire.JsonInput;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket of one user. Reads JSON text frames, answers each frame that has a {@code cid}
 * with exactly one {@code ack} or {@code error}, and writes every event published on the user's
 * address. All its state lives on the event loop that accepted the socket; answers that complete
 * elsewhere hop back to it.
 *
 * <p>The limits of docs/operations.md ("WebSocket limits") are enforced here: every data frame
 * takes a token of the rate limit before anything else is done with it; messages are put together
 * by a {@link MessageAssembler} (1009 past {@code ws.maxFrameBytes}, 1007 for text that is not
 * UTF-8) and frames the decoder refuses are turned into close frames by a {@link ChannelGuard};
 * output waits in a queue of this connection's own (1013 past {@code ws.maxQueuedBytes}); a peer
 * silent for {@code ws.idleTimeoutSeconds} is closed (1001). Every close gives the peer
 * {@code ws.closeTimeoutMs} to answer, then drops the TCP connection.
 *
 * <p>Transport only, on Vert.x's public API: what it does with a frame is the
 * {@link FrameDispatcher}'s business, which rooms' traffic it gets, and in what order, its
 * {@link ConnectionRooms}', and the two things Vert.x does not offer (close frames for what the
 * decoder refuses, dropping the TCP connection a set time after a close frame) its {@link ChannelGuard}'s.
 */
final class Connection {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  private final Vertx vertx;
  private final ServerWebSocket socket;
  private final ConnectionContext context;
  private final FrameDispatcher dispatcher;
  private final WsConfig config;
  private final TokenBucket rateLimit;
  private final MessageAssembler messages;
  private final DatabaseOutages outages;
  /** Output the socket could not take yet; see {@link #write}. */
  private final OutputBacklog backlog = new OutputBacklog();
  /** Whether a data frame of the message under way found the rate limit's bucket empty. */
  private boolean messageOverRate;
  /** A close frame waiting for the channel to have room, and its code; see {@link #cut}. */
  private String closeReason;
  private short closeCode;
  private final ConnectionRooms rooms;
  private EventLoop loop;
  private ChannelGuard guard;
  private MessageConsumer<JsonObject> deliveries;
  private final Heartbeat heartbeat;
  private boolean closing;
  private boolean closed;
  /** The server is shutting down: frames are no longer executed, and the socket closes with 1001 once those under way are answered. */
  private final ShutdownDrain shutdown;
  /** Closed because nothing was heard from it for ws.idleTimeoutSeconds. */
  private boolean silent;
  /** Frames dispatched and not answered yet. */
  private int underWay;

  Connection(Vertx vertx, ServerWebSocket socket, ConnectionContext context, FrameDispatcher dispatcher, WsConfig config,
      DatabaseOutages outages, Transcripts transcripts) {
    this.rooms = new ConnectionRooms(vertx, context, transcripts, this::write, this::onLoop);
    this.outages = outages;
    this.heartbeat = new Heartbeat(vertx, config.pingInterval(), config.idleTimeout());
    this.shutdown = new ShutdownDrain(vertx, config.shutdownQuiet(), () -> closing || closed || underWay > 0, () -> cut(GOING_AWAY, SHUTTING_DOWN));
    this.vertx = vertx;
    this.socket = socket;
    this.context = context;
    this.dispatcher = dispatcher;
    this.config = config;
    this.rateLimit = new TokenBucket(config.framesPerSecond(), config.frameBurst(), System.nanoTime());
    this.messages = new MessageAssembler(config.maxFrameBytes());
  }

  /**
   * Starts delivering at once and reading frames once {@code recorded} completes (the connection is
   * in the database, or failed to be), after writing the greeting it completes with
   * (ConnectionListener); {@code onClose} runs once when the socket is gone, for whatever reason,
   * told whether it was closed for silence.
   *
   * <p>Why frames wait: a user who reconnects and re-joins a room must be seen as connected by then.
   * The old connection's drop ({@code SessionRepository.dropped}) may still be on its way and marks
   * the participant dropped only while no connection of theirs is recorded; a {@code room.join}
   * handled before the new connection is recorded would clear the mark and then see it set again
   * by that late drop, and the session would be abandoned under a participant who is there.
   */
  void start(Future<List<JsonObject>> recorded, java.util.function.Consumer<Boolean> onClose) {
    loop = EventLoop.current(vertx);
    socket.pause();
    // Nor before this connection's address is registered: a room.join answered earlier could miss
    // what is published meanwhile. The address is node-local (other nodes reach it through this
    // node's relay, known to the cluster since the node started: bus.UserEvents), so that is at once.
    deliveries = vertx.eventBus().localConsumer(Addresses.user(context.user().id()), message -> rooms.deliver(message.body()));
    Future<Void> reachable = deliveries.completion().recover(e -> Future.succeededFuture());
    Future.join(recorded, reachable).onComplete(all -> onLoop(() -> {
      AsyncResult<List<JsonObject>> ar = recorded;
      if (closed) {
        return;
      }
      if (ar.failed()) {
        // Unrecorded, the connection would be invisible to presence (an expert on it taken offline
        // by the sweep while connected): the client reconnects and is recorded then.
        cut(TRY_AGAIN_LATER, NOT_RECORDED);
        return;
      }
      // The greeting first: what the user's state is, before anything they send is answered.
      ar.result().forEach(this::write);
      socket.resume();
    }));
    // Netty's buffer, ahead of the kernel's (ws.sendBufferBytes too: HttpServerOptions.setSendBufferSize),
    // holds at most this before Vert.x queues; once Vert.x's queue is full, output waits in the backlog.
    socket.setWriteQueueMaxSize(config.sendBufferBytes());
    guard = ChannelGuard.fit(socket, refusal -> onLoop(() -> refused(refusal)));
    socket.frameHandler(this::onFrame);
    // The HTTP server's graceful shutdown (http.shutdownGraceSeconds) asks each socket first: no
    // frame is left without an answer, then 1001 tells the client to reconnect elsewhere at once.
    socket.shutdownHandler(v -> onLoop(this::drain));
    socket.drainHandler(v -> drainBacklog());
    socket.exceptionHandler(e -> log.debug("connection {} of user {}: {}", context.connectionId(), context.user().id(), e.toString()));
    socket.closeHandler(v -> {
      closed = true;
      heartbeat.stop();
      backlog.drop();
      deliveries.unregister();
      onClose.accept(silent);
    });
    // No pings while closing or draining: a pong would only delay the close.
    heartbeat.start(() -> socket.writePing(Buffer.buffer()), () -> closing || shutdown.draining(), this::silent);
  }

  /** Nothing heard for ws.idleTimeoutSeconds. */
  private void silent() {
    if (closing || closed) {
      return;
    }
    log.info("connection {} of user {} closed: silent for {}", context.connectionId(), context.user().id(), config.idleTimeout());
    silent = true;
    cut(GOING_AWAY, "idle");
  }

  /** Every frame: control frames (Vert.x answers pings and closes) only show the peer is there. */
  private void onFrame(WebSocketFrame frame) {
    heartbeat.heard();
    if (closing) {
      return;
    }
    switch (frame.type()) {
      case TEXT, BINARY, CONTINUATION -> onDataFrame(frame);
      default -> { }
    }
  }

  /**
   * A data frame takes a token before anything else is done with it, valid or not, whole message
   * or fragment: what the rate limit protects is the work a frame causes, and a frame that fails
   * to parse has caused some. A message any of whose frames found no token is answered
   * {@code rate_limited} and not executed.
   */
  private void onDataFrame(WebSocketFrame frame) {
    long now = System.nanoTime();
    shutdown.heard(now);
    if (!rateLimit.tryTake(now)) {
      messageOverRate = true;
    }
    MessageAssembler.Outcome outcome = messages.add(frame.type(), frame.binaryData(), frame.isFinal());
    if (outcome.verdict() == MessageAssembler.Verdict.INCOMPLETE) {
      return;
    }
    boolean overRate = messageOverRate;
    messageOverRate = false;
    switch (outcome.verdict()) {
      case TEXT -> onText(outcome.text(), overRate);
      case BINARY -> reply(null, overRate ? rateLimited() : ApiError.badRequest("frames must be JSON text, not binary"));
      case TOO_BIG -> closeBroken(MESSAGE_TOO_BIG, "a message over " + config.maxFrameBytes() + " bytes",
          "message larger than " + config.maxFrameBytes() + " bytes");
      case NOT_UTF8 -> closeBroken(INVALID_PAYLOAD, "a text message that is not UTF-8", "text is not UTF-8");
      case OUT_OF_SEQUENCE -> closeBroken(PROTOCOL_ERROR, "data frames out of sequence", "data frames out of sequence");
      default -> throw new IllegalStateException("unexpected " + outcome.verdict());
    }
  }

  /** A frame the decoder refused, before it reached Vert.x: too large to read, or against RFC 6455. */
  private void refused(ChannelGuard.Refusal refusal) {
    if (closing || closed) {
      return;
    }
    closeBroken(refusal.code(), refusal.detail(),
        refusal.code() == MESSAGE_TOO_BIG ? "frame larger than " + config.maxFrameBytes() + " bytes" : "protocol error");
  }

  /** The peer broke a limit or the protocol ({@code why}, for the log): closed with {@code code} and {@code reason}. */
  private void closeBroken(short code, String why, String reason) {
    log.info("connection {} of user {} closed ({}): {}", context.connectionId(), context.user().id(), code, why);
    cut(code, reason);
  }

  private ApiError rateLimited() {
    return new ApiError(ErrorCode.RATE_LIMITED, "more than " + config.framesPerSecond() + " frames a second; slow down");
  }

  /** A whole text message; {@code overRate}: it is only parsed, to answer {@code rate_limited} with its {@code cid}. */
  private void onText(String text, boolean overRate) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      reply(null, overRate ? rateLimited() : ApiError.badRequest("a frame must be one JSON object"));
      return;
    }
    Object cid = frame.getValue("cid");
    if (overRate) {
      reply(cid, rateLimited());
      return;
    }
    if (!(frame.getValue("type") instanceof String type) || type.isBlank()) {
      reply(cid, ApiError.badRequest("a frame needs a string 'type'"));
      return;
    }
    if (shutdown.draining()) {
      reply(cid, new ApiError(ErrorCode.UNAVAILABLE, "the server is shutting down: reconnect and send it again"));
      return;
    }
    ConnectionRooms.RoomFrame roomFrame = rooms.begin(type, frame);
    // A frame waits for the database at most db.acquireTimeoutMs + db.statementTimeoutMs, then is
    // answered 'unavailable'; what it started may still complete, and a retry with the same
    // clientMsgId or idempotencyKey finds it rather than doing it twice.
    underWay++;
    outages.bounded(dispatcher.dispatch(context, type, JsonInput.of(frame))).onComplete(ar -> onLoop(() -> {
      underWay--;
      if (ar.succeeded()) {
        JsonObject result = ar.result() == null ? new JsonObject() : ar.result();
        rooms.answered(roomFrame, result);
        if (cid != null) {
          write(new JsonObject().put("type", "ack").put("cid", cid).mergeIn(result));
        }
      } else {
        reply(cid, asApiError(type, ar.cause()));
      }
      rooms.settled(roomFrame);
      shutdown.check();
    }));
  }

  /** The server is shutting down: answer what is under way, then close with 1001 ({@link ShutdownDrain}); frames after this are answered unavailable. */
  private void drain() {
    if (!closing && !closed && shutdown.begin()) {
      log.debug("connection {} of user {}: the server is shutting down, {} frames under way", context.connectionId(), context.user().id(), underWay);
    }
  }

  private void onLoop(Runnable action) {
    loop.run(action);
  }

  private ApiError asApiError(String type, Throwable failure) {
    return outages.answer(failure, "frame " + type + " from user " + context.user().id());
  }

  private void reply(Object cid, ApiError error) {
    JsonObject frame = new JsonObject().put("type", "error");
    if (cid != null) {
      frame.put("cid", cid);
    }
    write(frame.put("code", error.code().wireName()).put("message", error.getMessage()).mergeIn(error.details()));
  }

  /**
   * Writes a frame unless the reader is too slow. What the socket cannot take at once (Netty's
   * buffer holds {@code ws.sendBufferBytes} ahead of the kernel's buffer of the same size, then
   * Vert.x queues up to 16 frames before it reports its queue full) waits in the backlog, in order;
   * a backlog past {@code ws.maxQueuedBytes} closes the connection with 1013, so one stalled reader
   * costs nobody else memory or latency. The backlog is dropped first, so the close frame waits
   * behind no more than the buffers and frames ahead of it: a peer that still
   * reads finds it at once, one that reads nothing may never see it (see docs/operations.md,
   * "WebSocket limits"). The user reconnects and recovers what they missed with {@code room.join}
   * and {@code afterSeq}.
   */
  private void write(JsonObject frame) {
    if (closing || socket.isClosed()) {
      return;
    }
    String text = frame.encode();
    if (backlog.isEmpty() && writable()) {
      socket.writeTextMessage(text);
      return;
    }
    long backlogBytes = backlog.add(text);
    if (backlogBytes > config.maxQueuedBytes()) {
      log.info("connection {} of user {} closed: reader too slow ({} bytes waiting, over ws.maxQueuedBytes {})",
          context.connectionId(), context.user().id(), backlogBytes, config.maxQueuedBytes());
      backlog.drop();
      cut(TRY_AGAIN_LATER, "too slow");
    }
  }

  /** Whether Vert.x takes a frame now; once it says no, its drain handler says when it will again. */
  private boolean writable() {
    return !socket.writeQueueFull();
  }

  /**
   * The socket has room again: for the backlog, oldest first, then for the close frame if one is
   * waiting (a reader cut for being too slow has had its backlog dropped first).
   */
  private void drainBacklog() {
    if (socket.isClosed()) {
      return;
    }
    backlog.drainTo(socket::writeTextMessage, this::writable);
    if (closeReason != null && backlog.isEmpty() && writable()) {
      socket.close(closeCode, closeReason);
      closeReason = null;
    }
  }

  /**
   * Sends the close frame, then drops the TCP connection if the peer has not answered within
   * {@code ws.closeTimeoutMs}: a peer that is not reading (the slow, the silent) never answers,
   * one that broke the protocol may not, and Vert.x's own close would wait far longer (see
   * {@link ChannelGuard}).
   *
   * <p>While answers wait in the backlog or the socket is full, the close frame waits behind them
   * ({@link #drainBacklog}): a client told to go away gets every answer first, and a close frame
   * queued behind output the peer does not read would be lost with that output anyway, and Vert.x,
   * finding its close frame unwritten when the connection is dropped, would try to close it again
   * ten seconds later and log a stack trace.
   */
  private void cut(short code, String reason) {
    closing = true;
    if (socket.isClosed()) {
      // the peer's close frame came first; Vert.x answers it
    } else if (!backlog.isEmpty() || !writable()) {
      // The answers already queued go first: a client told to go away has every answer it was owed.
      closeCode = code;
      closeReason = reason;
      drainBacklog();
    } else {
      socket.close(code, reason);
    }
    vertx.setTimer(config.closeTimeout().toMillis(), t -> {
      if (!closed) {
        guard.drop();
      }
    });
  }
}
