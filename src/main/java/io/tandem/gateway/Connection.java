package io.tandem.gateway;

import io.tandem.bus.Addresses;
import io.tandem.bus.ServerEvent;
import io.tandem.config.WsConfig;
import io.tandem.db.DatabaseOutages;
import io.tandem.kernel.Uuids;
import io.tandem.wire.ApiError;
import io.tandem.wire.ErrorCode;
import io.tandem.wire.JsonInput;
import io.vertx.core.Context;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
 * {@link FrameDispatcher}'s business, the order of a room's chat a {@link RoomDelivery}'s, and the
 * two things Vert.x does not offer (close frames for what the decoder refuses, dropping the TCP
 * connection a set time after a close frame) its {@link ChannelGuard}'s.
 *
 * <p>Room traffic ({@code room.message}, {@code room.signal}, {@code room.typing}) goes only to
 * connections that joined the room; each room's chat is delivered exactly once and in seq order
 * by a {@link RoomDelivery} of this connection's.
 */
final class Connection {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);
  /** Close code for a connection that stopped answering pings. */
  private static final short GOING_AWAY = 1001;
  /** The close reason of a shutdown, for clients and people reading their logs. */
  static final String SHUTTING_DOWN = "server shutting down: reconnect";
  /** Close code for a reader too slow to keep up: its output queue passed ws.maxQueuedBytes. */
  private static final short TRY_AGAIN_LATER = 1013;
  private static final String NOT_RECORDED = "connection not recorded: reconnect";
  /** Close code for a message, or a frame, over ws.maxFrameBytes. */
  private static final short MESSAGE_TOO_BIG = 1009;
  /** Close code for a text message that is not UTF-8. */
  private static final short INVALID_PAYLOAD = 1007;
  /** Close code for frames out of the order RFC 6455 allows. */
  private static final short PROTOCOL_ERROR = 1002;
  /** How long a chat message waits for an earlier seq that has not arrived before it is read from the transcript. */
  private static final long CATCH_UP_AFTER_MS = 200;
  /** How long it waits for it at most, transcript or not, before the room goes on without it. */
  private static final long GAP_WAIT_MS = 2000;
  private static final String ROOM_JOIN = "room.join";
  private static final String ROOM_LEAVE = "room.leave";
  private static final String ROOM_MESSAGE = ServerEvent.ROOM_MESSAGE.wireName();
  private static final Set<String> ROOM_ONLY = Set.of(ROOM_MESSAGE, ServerEvent.ROOM_SIGNAL.wireName(), ServerEvent.ROOM_TYPING.wireName());

  private final Vertx vertx;
  private final ServerWebSocket socket;
  private final ConnectionContext context;
  private final FrameDispatcher dispatcher;
  private final WsConfig config;
  private final TokenBucket rateLimit;
  private final MessageAssembler messages;
  private final DatabaseOutages outages;
  private final Transcripts transcripts;
  /** Output the socket could not take yet, oldest first; see {@link #write}. */
  private final ArrayDeque<Pending> backlog = new ArrayDeque<>();
  private long backlogBytes;
  /** Whether a data frame of the message under way found the rate limit's bucket empty. */
  private boolean messageOverRate;
  /** A close frame waiting for the channel to have room, and its code; see {@link #cut}. */
  private String closeReason;
  private short closeCode;
  /** The rooms joined on this connection, by session id in canonical form. */
  private final Map<String, RoomDelivery> rooms = new HashMap<>();
  private Context loop;
  private ChannelGuard guard;
  private MessageConsumer<JsonObject> deliveries;
  private long pingTimer;
  private long idleTimer;
  private long lastHeardNanos = System.nanoTime();
  private boolean closing;
  private boolean closed;
  /** The server is shutting down: frames are no longer executed, and the socket closes with 1001 once those under way are answered. */
  private boolean draining;
  /** Closed because nothing was heard from it for ws.idleTimeoutSeconds. */
  private boolean silent;
  /** Frames dispatched and not answered yet. */
  private int underWay;
  /** While draining: a check of {@link #goAwayWhenQuiet} is scheduled. */
  private boolean quietCheckPending;
  /** When the last data frame arrived (pings and pongs do not count): what {@link #goAwayWhenQuiet} waits out. */
  private long lastDataNanos = System.nanoTime();
  /** When draining began. */
  private long drainStartedNanos;

  Connection(Vertx vertx, ServerWebSocket socket, ConnectionContext context, FrameDispatcher dispatcher, WsConfig config,
      DatabaseOutages outages, Transcripts transcripts) {
    this.transcripts = transcripts;
    this.outages = outages;
    this.vertx = vertx;
    this.socket = socket;
    this.context = context;
    this.dispatcher = dispatcher;
    this.config = config;
    this.rateLimit = new TokenBucket(config.framesPerSecond(), config.frameBurst(), System.nanoTime());
    this.messages = new MessageAssembler(config.maxFrameBytes());
  }

  /** A frame waiting in the backlog, with its size in UTF-8. */
  private record Pending(String text, int bytes) {}

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
    loop = vertx.getOrCreateContext();
    socket.pause();
    // Nor before this connection's address is registered: a room.join answered earlier could miss
    // what is published meanwhile. The address is node-local (other nodes reach it through this
    // node's relay, known to the cluster since the node started: bus.UserEvents), so that is at once.
    deliveries = vertx.eventBus().localConsumer(Addresses.user(context.user().id()), message -> deliver(message.body()));
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
      vertx.cancelTimer(pingTimer);
      vertx.cancelTimer(idleTimer);
      dropBacklog();
      deliveries.unregister();
      onClose.accept(silent);
    });
    pingTimer = vertx.setPeriodic(config.pingInterval().toMillis(), t -> ping());
    idleTimer = vertx.setTimer(config.idleTimeout().toMillis(), t -> checkIdle());
  }

  private void ping() {
    if (!closing && !draining) { // a pong would only delay a draining connection's close
      socket.writePing(Buffer.buffer());
    }
  }

  /** Runs when the connection may have been silent for the idle timeout: exactly then, not at the next ping. */
  private void checkIdle() {
    if (closing || closed) {
      return;
    }
    long leftNanos = config.idleTimeout().toNanos() - (System.nanoTime() - lastHeardNanos);
    if (leftNanos > 0) {
      idleTimer = vertx.setTimer(TimeUnit.NANOSECONDS.toMillis(leftNanos) + 1, t -> checkIdle());
      return;
    }
    log.info("connection {} of user {} closed: silent for {}", context.connectionId(), context.user().id(), config.idleTimeout());
    silent = true;
    cut(GOING_AWAY, "idle");
  }

  private void heard() {
    lastHeardNanos = System.nanoTime();
  }

  /** Every frame: control frames (Vert.x answers pings and closes) only show the peer is there. */
  private void onFrame(WebSocketFrame frame) {
    heard();
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
    lastDataNanos = System.nanoTime();
    if (!rateLimit.tryTake(lastDataNanos)) {
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
      case TOO_BIG -> {
        log.info("connection {} of user {} closed: a message over {} bytes", context.connectionId(), context.user().id(), config.maxFrameBytes());
        cut(MESSAGE_TOO_BIG, "message larger than " + config.maxFrameBytes() + " bytes");
      }
      case NOT_UTF8 -> {
        log.info("connection {} of user {} closed: a text message that is not UTF-8", context.connectionId(), context.user().id());
        cut(INVALID_PAYLOAD, "text is not UTF-8");
      }
      case OUT_OF_SEQUENCE -> {
        log.info("connection {} of user {} closed: data frames out of sequence", context.connectionId(), context.user().id());
        cut(PROTOCOL_ERROR, "data frames out of sequence");
      }
      default -> throw new IllegalStateException("unexpected " + outcome.verdict());
    }
  }

  /** A frame the decoder refused, before it reached Vert.x: too large to read, or against RFC 6455. */
  private void refused(ChannelGuard.Refusal refusal) {
    if (closing || closed) {
      return;
    }
    log.info("connection {} of user {} closed ({}): {}", context.connectionId(), context.user().id(), refusal.code(), refusal.detail());
    String reason = refusal.code() == MESSAGE_TOO_BIG ? "frame larger than " + config.maxFrameBytes() + " bytes" : "protocol error";
    cut(refusal.code(), reason);
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
    String room = ROOM_JOIN.equals(type) || ROOM_LEAVE.equals(type) ? canonical(frame.getValue("sessionId")) : null;
    if (draining) {
      reply(cid, new ApiError(ErrorCode.UNAVAILABLE, "the server is shutting down: reconnect and send it again"));
      return;
    }
    RoomDelivery joining = room != null && ROOM_JOIN.equals(type)
        ? rooms.computeIfAbsent(room, r -> new RoomDelivery(r, this::write, (delay, action) -> vertx.setTimer(delay, t -> action.run()),
            (afterSeq, limit, found) -> transcripts.after(context, r, afterSeq, limit).onComplete(read -> onLoop(() -> {
              if (read.succeeded() && rooms.containsKey(r)) { // not for a room left meanwhile
                found.accept(read.result());
              }
            })), CATCH_UP_AFTER_MS, GAP_WAIT_MS, vertx.isClustered()))
        : null;
    if (joining != null) {
      joining.joinStarted();
    }
    // A frame waits for the database at most db.acquireTimeoutMs + db.statementTimeoutMs, then is
    // answered 'unavailable'; what it started may still complete, and a retry with the same
    // clientMsgId or idempotencyKey finds it rather than doing it twice.
    underWay++;
    outages.bounded(dispatcher.dispatch(context, type, JsonInput.of(frame))).onComplete(ar -> onLoop(() -> {
      underWay--;
      if (ar.succeeded()) {
        JsonObject result = ar.result() == null ? new JsonObject() : ar.result();
        if (joining != null) {
          joining.joinAnswered(result);
        } else if (room != null) {
          rooms.remove(room);
        }
        if (cid != null) {
          write(new JsonObject().put("type", "ack").put("cid", cid).mergeIn(result));
        }
      } else {
        reply(cid, asApiError(type, ar.cause()));
      }
      if (joining != null && !joining.joinEnded()) {
        rooms.remove(room);
      }
      if (draining) {
        goAwayWhenQuiet();
      }
    }));
  }

  /** The server is shutting down: answer what is under way, then close with 1001; frames after this are answered unavailable. */
  private void drain() {
    if (draining || closing || closed) {
      return;
    }
    draining = true;
    drainStartedNanos = System.nanoTime();
    log.debug("connection {} of user {}: the server is shutting down, {} frames under way", context.connectionId(), context.user().id(), underWay);
    goAwayWhenQuiet();
  }

  /**
   * Closes with 1001 once no frame is under way and nothing has been heard for
   * {@code ws.shutdownQuietMs}. Frames the client sent just before the shutdown may still sit in
   * the socket's buffers, unread; read meanwhile, each is answered {@code unavailable} (resend it
   * elsewhere) instead of being lost behind the close frame, after which nothing can be answered.
   * Only data frames count, and no pings go out while draining. A client that keeps sending is cut
   * anyway ten quiet periods after the drain began (its frames still answered, as any under way);
   * the HTTP server's shutdown grace bounds the whole wait.
   */
  private void goAwayWhenQuiet() {
    if (closing || closed || underWay > 0 || quietCheckPending) {
      return;
    }
    long now = System.nanoTime();
    long quiet = config.shutdownQuiet().toNanos();
    long leftNanos = Math.min(quiet - (now - lastDataNanos), 10 * quiet - (now - drainStartedNanos));
    if (leftNanos <= 0) {
      cut(GOING_AWAY, SHUTTING_DOWN);
      return;
    }
    quietCheckPending = true;
    vertx.setTimer(TimeUnit.NANOSECONDS.toMillis(leftNanos) + 1, t -> {
      quietCheckPending = false;
      goAwayWhenQuiet();
    });
  }

  private static String canonical(Object sessionId) {
    return sessionId instanceof String s ? Uuids.parse(s).map(UUID::toString).orElse(null) : null;
  }

  /** A live event for this user. */
  private void deliver(JsonObject event) {
    String type = event.getString("type");
    if (!ROOM_ONLY.contains(type)) {
      write(event);
      return;
    }
    RoomDelivery room = rooms.get(canonical(event.getValue("sessionId")));
    if (room == null) {
      return; // this connection is not in that room
    }
    if (ROOM_MESSAGE.equals(type)) {
      room.message(event);
    } else {
      write(event);
    }
  }

  private void onLoop(Runnable action) {
    if (Vertx.currentContext() == loop) {
      action.run();
    } else {
      loop.runOnContext(v -> action.run());
    }
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
    Pending pending = new Pending(text, utf8Length(text));
    backlog.add(pending);
    backlogBytes += pending.bytes();
    if (backlogBytes > config.maxQueuedBytes()) {
      log.info("connection {} of user {} closed: reader too slow ({} bytes waiting, over ws.maxQueuedBytes {})",
          context.connectionId(), context.user().id(), backlogBytes, config.maxQueuedBytes());
      dropBacklog();
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
    while (!backlog.isEmpty() && writable()) {
      Pending pending = backlog.poll();
      backlogBytes -= pending.bytes();
      socket.writeTextMessage(pending.text());
    }
    if (closeReason != null && backlog.isEmpty() && writable()) {
      socket.close(closeCode, closeReason);
      closeReason = null;
    }
  }

  private void dropBacklog() {
    backlog.clear();
    backlogBytes = 0;
  }

  /** Bytes of {@code text} in UTF-8, counted without encoding it. */
  private static int utf8Length(String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
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
