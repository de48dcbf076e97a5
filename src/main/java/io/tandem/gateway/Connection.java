package io.tandem.gateway;

import io.tandem.bus.Addresses;
import io.tandem.config.TandemConfig.WsConfig;
import io.tandem.db.DatabaseOutages;
import io.tandem.wire.ApiError;
import io.tandem.wire.ErrorCode;
import io.tandem.wire.JsonInput;
import io.tandem.wire.Uuids;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket of one user. Reads JSON text frames, answers each frame that has a {@code cid}
 * with exactly one {@code ack} or {@code error}, and writes every event published on the user's
 * address. All its state lives on the event loop that accepted the socket; answers that complete
 * elsewhere hop back to it.
 *
 * <p>Room traffic ({@code room.message}, {@code room.signal}, {@code room.typing}) goes only to
 * connections that joined the room. Chat is delivered exactly once and in seq order: while a
 * {@code room.join} is answered live messages of that room wait; messages the join returned are
 * not sent again; a message that overtook an earlier one waits for it (briefly: a lost publication
 * must not stall the room).
 */
final class Connection {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);
  /** Close code for a connection that stopped answering pings. */
  private static final short GOING_AWAY = 1001;
  /** Close code for a reader too slow to keep up: its output queue passed ws.maxQueuedBytes. */
  private static final short TRY_AGAIN_LATER = 1013;
  /** Close code for a frame over ws.maxFrameBytes. */
  private static final short MESSAGE_TOO_BIG = 1009;
  /** How long a peer that is being cut off may still answer the close frame. */
  private static final long CLOSE_HANDSHAKE_MS = 1000;
  /** How long a chat message waits for an earlier seq that has not arrived. */
  private static final long GAP_WAIT_MS = 500;
  private static final String ROOM_JOIN = "room.join";
  private static final String ROOM_LEAVE = "room.leave";
  private static final String ROOM_MESSAGE = "room.message";
  private static final Set<String> ROOM_ONLY = Set.of(ROOM_MESSAGE, "room.signal", "room.typing");

  private final Vertx vertx;
  private final ServerWebSocket socket;
  private final ConnectionContext context;
  private final FrameDispatcher dispatcher;
  private final WsConfig config;
  private final TokenBucket rateLimit;
  private final DatabaseOutages outages;
  /** The rooms joined on this connection, by session id in canonical form. */
  private final Map<String, RoomStream> rooms = new HashMap<>();
  private Context loop;
  private MessageConsumer<JsonObject> deliveries;
  private long pingTimer;
  private long lastHeardNanos = System.nanoTime();
  private boolean closing;
  private boolean closed;

  Connection(Vertx vertx, ServerWebSocket socket, ConnectionContext context, FrameDispatcher dispatcher, WsConfig config,
      DatabaseOutages outages) {
    this.outages = outages;
    this.vertx = vertx;
    this.socket = socket;
    this.context = context;
    this.dispatcher = dispatcher;
    this.config = config;
    this.rateLimit = new TokenBucket(config.framesPerSecond(), config.frameBurst(), System.nanoTime());
  }

  /** Starts reading and delivering; {@code onClose} runs once when the socket is gone, for whatever reason. */
  void start(Runnable onClose) {
    loop = vertx.getOrCreateContext();
    socket.setWriteQueueMaxSize(config.maxQueuedBytes());
    deliveries = vertx.eventBus().consumer(Addresses.user(context.user().id()), message -> deliver(message.body()));
    socket.textMessageHandler(this::onText);
    socket.binaryMessageHandler(binary -> {
      heard();
      reply(null, ApiError.badRequest("frames must be JSON text, not binary"));
    });
    socket.pongHandler(pong -> heard());
    socket.exceptionHandler(e -> log.debug("connection {} of user {}: {}", context.connectionId(), context.user().id(), e.toString()));
    socket.closeHandler(v -> {
      closed = true;
      vertx.cancelTimer(pingTimer);
      deliveries.unregister();
      onClose.run();
    });
    pingTimer = vertx.setPeriodic(config.pingInterval().toMillis(), t -> keepAlive());
  }

  private void keepAlive() {
    if (closing) {
      return;
    }
    if (System.nanoTime() - lastHeardNanos > config.idleTimeout().toNanos()) {
      log.info("connection {} of user {} closed: silent for {}", context.connectionId(), context.user().id(), config.idleTimeout());
      cut(GOING_AWAY, "idle");
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
      close(MESSAGE_TOO_BIG, "frame larger than " + config.maxFrameBytes() + " bytes");
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
      reply(cid, new ApiError(ErrorCode.RATE_LIMITED, "more than " + config.framesPerSecond() + " frames a second; slow down"));
      return;
    }
    if (!(frame.getValue("type") instanceof String type) || type.isBlank()) {
      reply(cid, ApiError.badRequest("a frame needs a string 'type'"));
      return;
    }
    String room = ROOM_JOIN.equals(type) || ROOM_LEAVE.equals(type) ? canonical(frame.getValue("sessionId")) : null;
    RoomStream joining = room != null && ROOM_JOIN.equals(type) ? rooms.computeIfAbsent(room, r -> new RoomStream()) : null;
    if (joining != null) {
      joining.joins++;
    }
    // A frame waits for the database at most db.acquireTimeoutMs + db.statementTimeoutMs, then is
    // answered 'unavailable'; what it started may still complete, and a retry with the same
    // clientMsgId or idempotencyKey finds it rather than doing it twice.
    outages.bounded(dispatcher.dispatch(context, type, JsonInput.of(frame))).onComplete(ar -> onLoop(() -> {
      if (ar.succeeded()) {
        JsonObject result = ar.result() == null ? new JsonObject() : ar.result();
        if (joining != null) {
          joining.joined = true;
          joining.resumeAfter(result.getInteger("lastSeq", 0), room);
          JsonArray returned = result.getJsonArray("messages", new JsonArray());
          for (int i = 0; i < returned.size(); i++) {
            JsonObject message = returned.getJsonObject(i);
            joining.delivered(message.getInteger("seq", 0), message);
          }
        } else if (room != null) {
          rooms.remove(room);
        }
        if (cid != null) {
          write(new JsonObject().put("type", "ack").put("cid", cid).mergeIn(result));
        }
      } else {
        reply(cid, asApiError(type, ar.cause()));
      }
      if (joining != null && --joining.joins == 0) {
        if (!joining.joined) {
          rooms.remove(room);
        }
        List<JsonObject> held = new ArrayList<>(joining.held);
        joining.held.clear();
        held.forEach(this::deliver);
      }
    }));
  }

  /**
   * Chat order and dedup state of one joined room on this connection.
   *
   * <p>A seq is never reused while the database keeps what it acknowledged (it commits durably).
   * Should an acknowledged write be lost anyway (a database restored from an old backup, a disk
   * that lied), the seqs after the last surviving message are handed out again, and a plain
   * "seen it" check would hide the new messages from everyone who saw the lost ones live, so that
   * the two sides' transcripts diverge for good. So this remembers who sent each recent seq: a seq
   * it has delivered that comes again from a different sender or {@code clientMsgId} means the
   * transcript went back to that seq, and delivery resumes from there. The client does the same
   * (docs/protocol.md, "When a transcript goes back").
   */
  private static final class RoomStream {
    /** How many delivered seqs are remembered, per room and connection, to tell a reused seq from a duplicate. */
    private static final int REMEMBERED_SEQS = 256;

    boolean joined;
    int joins;
    int next = 1;
    final List<JsonObject> held = new ArrayList<>();
    final TreeMap<Integer, JsonObject> early = new TreeMap<>();
    final TreeMap<Integer, String> senders = new TreeMap<>();
    long gapTimer = -1;

    /** After a {@code room.join} answered with {@code lastSeq}: live delivery continues after it. */
    void resumeAfter(int lastSeq, String room) {
      if (lastSeq + 1 < next) {
        log.warn("session {}: the transcript ends at seq {}, but seq {} was delivered before; it went back, delivery resumes after {}",
            room, lastSeq, next - 1, lastSeq);
        goBackTo(lastSeq + 1);
      }
      next = Math.max(next, lastSeq + 1);
    }

    /** True if {@code message}, older than {@link #next}, is a copy of what was delivered, not a reused seq. */
    boolean isDuplicate(int seq, JsonObject message, String room) {
      String sender = senders.get(seq);
      if (sender == null || sender.equals(sender(message))) {
        return true; // older than what is remembered: a late copy
      }
      log.warn("session {}: seq {} came again from another message; the transcript went back, delivery resumes at {}", room, seq, seq);
      goBackTo(seq);
      return false;
    }

    void delivered(int seq, JsonObject message) {
      senders.put(seq, sender(message));
      if (senders.size() > REMEMBERED_SEQS) {
        senders.pollFirstEntry();
      }
    }

    private void goBackTo(int seq) {
      next = seq;
      senders.tailMap(seq, true).clear();
      early.headMap(seq).clear();
    }

    private static String sender(JsonObject message) {
      return message.getString("from") + "/" + message.getString("clientMsgId");
    }
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
    RoomStream room = rooms.get(canonical(event.getValue("sessionId")));
    if (room == null) {
      return; // this connection is not in that room
    }
    if (!ROOM_MESSAGE.equals(type)) {
      write(event);
    } else if (room.joins > 0) {
      room.held.add(event);
    } else {
      deliverChat(room, event);
    }
  }

  /** Each seq once, in order; a seq ahead of a missing one waits up to {@value #GAP_WAIT_MS} ms for it. */
  private void deliverChat(RoomStream room, JsonObject message) {
    int seq = message.getInteger("seq", 0);
    if (seq < room.next && room.isDuplicate(seq, message, message.getString("sessionId"))) {
      return;
    }
    room.early.put(seq, message);
    while (!room.early.isEmpty() && room.early.firstKey() == room.next) {
      writeChat(room, room.early.pollFirstEntry().getValue());
      room.next++;
    }
    if (!room.early.isEmpty() && room.gapTimer < 0) {
      room.gapTimer = vertx.setTimer(GAP_WAIT_MS, t -> {
        room.gapTimer = -1;
        room.early.values().forEach(m -> writeChat(room, m));
        if (!room.early.isEmpty()) {
          room.next = room.early.lastKey() + 1;
        }
        room.early.clear();
      });
    }
  }

  private void writeChat(RoomStream room, JsonObject message) {
    room.delivered(message.getInteger("seq", 0), message);
    write(message);
  }

  private void onLoop(Runnable action) {
    if (Vertx.currentContext() == loop) {
      action.run();
    } else {
      loop.runOnContext(v -> action.run());
    }
  }

  /** A char is 1 to 3 bytes of UTF-8: only text that could be over the limit is counted exactly. */
  private boolean tooLarge(String text) {
    int max = config.maxFrameBytes();
    return text.length() > max || (long) text.length() * 3 > max && text.getBytes(StandardCharsets.UTF_8).length > max;
  }

  private ApiError asApiError(String type, Throwable failure) {
    return outages.answer(failure, "frame " + type + " from user " + context.user().id());
  }

  private void reply(Object cid, ApiError error) {
    JsonObject frame = new JsonObject().put("type", "error");
    if (cid != null) {
      frame.put("cid", cid);
    }
    write(frame.put("code", error.code().wireName()).put("message", error.getMessage()));
  }

  /**
   * Writes a frame unless the reader is too slow: past {@code ws.maxQueuedBytes} of unsent output
   * the connection is closed, so one stalled reader costs nobody else memory or latency; the user
   * reconnects and recovers what they missed with {@code room.join} and {@code afterSeq}.
   */
  private void write(JsonObject frame) {
    if (closing || socket.isClosed()) {
      return;
    }
    if (socket.writeQueueFull()) {
      log.info("connection {} of user {} closed: reader too slow (over {} bytes queued)",
          context.connectionId(), context.user().id(), config.maxQueuedBytes());
      cut(TRY_AGAIN_LATER, "too slow");
      return;
    }
    socket.writeTextMessage(frame.encode());
  }

  private void close(short code, String reason) {
    closing = true;
    socket.close(code, reason);
  }

  /**
   * Sends the close frame, then cuts the TCP connection if the peer has not answered within
   * {@value #CLOSE_HANDSHAKE_MS} ms: a peer that is not reading (the slow, the silent) never
   * answers, and Vert.x's own close would wait behind output it will never read. Vert.x has no
   * public call for that, hence its internal channel; without it the graceful close stands.
   */
  private void cut(short code, String reason) {
    close(code, reason);
    vertx.setTimer(CLOSE_HANDSHAKE_MS, t -> {
      if (!closed && socket instanceof WebSocketInternal internal) {
        internal.channelHandlerContext().close();
      }
    });
  }
}
