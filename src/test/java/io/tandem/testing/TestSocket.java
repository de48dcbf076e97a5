package io.tandem.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A real WebSocket client for tests: frames in arrival order, waits that are always bounded, and
 * request/ack pairing by {@code cid}.
 *
 * <p>Every frame it receives is held to the AsyncAPI document ({@link FrameContract}), and so is
 * every frame it sent that the server acknowledged; a frame off the contract fails the test at its
 * next wait, call or close. So each test that talks over the WebSocket checks the contract too.
 */
public final class TestSocket implements AutoCloseable {
  public static final Duration WAIT = Duration.ofSeconds(15);
  private static final Vertx CLIENT_VERTX = Vertx.vertx();
  private static final WebSocketClient CLIENT = CLIENT_VERTX.createWebSocketClient();
  private static final AtomicLong CIDS = new AtomicLong();

  private final WebSocket socket;
  private final BlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
  private final List<JsonObject> unread = new ArrayList<>();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();
  /** Frames sent with a {@code cid}, until their answer comes: an ack is checked against the frame's type. */
  private final Map<Object, JsonObject> awaitingAnswer = new ConcurrentHashMap<>();
  private final List<String> offContract = new CopyOnWriteArrayList<>();
  private final Set<String> checkedTypes = ConcurrentHashMap.newKeySet();
  private final AtomicLong checked = new AtomicLong();

  private TestSocket(WebSocket socket) {
    this.socket = socket;
    socket.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      holdToContract(frame);
      inbox.add(frame);
    });
    socket.closeHandler(v -> closed.complete(socket.closeStatusCode()));
  }

  private void holdToContract(JsonObject frame) {
    Object cid = frame.getValue("cid");
    JsonObject asked = cid == null ? null : awaitingAnswer.remove(cid);
    String answering = asked == null ? null : asked.getString("type");
    offContract.addAll(FrameContract.received(frame, "ack".equals(frame.getString("type")) ? answering : null));
    checked.incrementAndGet();
    checkedTypes.add(frame.getString("type") + (answering != null && "ack".equals(frame.getString("type")) ? "(" + answering + ")" : ""));
    if (asked != null && "ack".equals(frame.getString("type"))) {
      offContract.addAll(FrameContract.sent(asked));
      checked.incrementAndGet();
      checkedTypes.add("→" + answering);
    }
  }

  /** Fails with every frame seen so far that is off the AsyncAPI contract (each reported once). */
  public void assertOnContract() {
    if (!offContract.isEmpty()) {
      List<String> problems = List.copyOf(offContract);
      offContract.removeAll(problems);
      throw new AssertionError("WebSocket frames off the AsyncAPI contract (src/main/resources/contract/asyncapi.json):\n  "
          + String.join("\n  ", problems));
    }
  }

  /** How many frames were held to the contract, received ones and acknowledged sent ones. */
  public long framesChecked() {
    return checked.get();
  }

  /** The types checked: {@code offer}, {@code ack(room.join)}, and {@code →room.join} for an acknowledged frame sent. */
  public Set<String> typesChecked() {
    return Set.copyOf(checkedTypes);
  }

  public static TestSocket connect(int port, String accessToken) {
    return connect("127.0.0.1", port, accessToken);
  }

  /** A connection to a server elsewhere than on 127.0.0.1 (in a network namespace of a test, say). */
  public static TestSocket connect(String host, int port, String accessToken) {
    // Handlers are set in the callback, on the client's event loop, so no early frame is missed.
    return RunningNode.await(CLIENT.connect(options(port, accessToken, null).setHost(host)).map(TestSocket::new), WAIT);
  }

  /** The HTTP status of a refused upgrade, or 101 when it was accepted. */
  public static int handshakeStatus(int port, String accessToken, String origin) {
    try {
      WebSocket ws = CLIENT.connect(options(port, accessToken, origin)).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
      ws.close();
      return 101;
    } catch (Exception e) {
      if (e.getCause() instanceof UpgradeRejectedException rejected) {
        return rejected.getStatus();
      }
      throw new AssertionError("handshake failed oddly: " + e, e);
    }
  }

  /** Offers the given WebSocket extensions and returns what the server's handshake agreed to (null: none). */
  public static String agreedExtensions(int port, String accessToken, String offered) {
    WebSocketConnectOptions options = options(port, accessToken, null).addHeader("Sec-WebSocket-Extensions", offered);
    WebSocket ws = RunningNode.await(CLIENT.connect(options), WAIT);
    String agreed = ws.headers().get("Sec-WebSocket-Extensions");
    ws.close();
    return agreed;
  }

  /** Connects with the token in the query string, as browsers do. */
  public static TestSocket connectWithQueryToken(int port, String accessToken) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws?token=" + accessToken);
    return RunningNode.await(CLIENT.connect(options).map(TestSocket::new), WAIT);
  }

  private static WebSocketConnectOptions options(int port, String accessToken, String origin) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws");
    if (accessToken != null) {
      options.addHeader("Authorization", "Bearer " + accessToken);
    }
    if (origin != null) {
      options.addHeader("Origin", origin);
    }
    return options;
  }

  /** Sends a frame with a fresh {@code cid} and returns the one {@code ack} or {@code error} answering it. */
  public JsonObject call(String type, JsonObject fields) {
    String cid = "c" + CIDS.incrementAndGet();
    send(fields.copy().put("type", type).put("cid", cid));
    return await(f -> cid.equals(f.getString("cid")), "an answer to " + type + " (" + cid + ")");
  }

  public JsonObject call(String type) {
    return call(type, new JsonObject());
  }

  /** Like {@link #call}, but the answer must be an ack. */
  public JsonObject ack(String type, JsonObject fields) {
    JsonObject answer = call(type, fields);
    if (!"ack".equals(answer.getString("type"))) {
      throw new AssertionError(type + " was not acknowledged: " + answer.encode());
    }
    return answer;
  }

  public void send(JsonObject frame) {
    Object cid = frame.getValue("cid");
    if (cid != null && frame.getValue("type") instanceof String type && FrameContract.describesFrame(type)) {
      awaitingAnswer.put(cid, frame.copy());
    }
    sendText(frame.encode());
  }

  public void sendText(String text) {
    RunningNode.await(socket.writeTextMessage(text), WAIT);
  }

  /** The next unread event of this type. */
  public JsonObject awaitEvent(String type) {
    return await(f -> type.equals(f.getString("type")), "an event " + type);
  }

  public JsonObject awaitEvent(String type, Predicate<JsonObject> matching) {
    return await(f -> type.equals(f.getString("type")) && matching.test(f), "an event " + type + " that matches");
  }

  /** The first unread event of this type that has come, without waiting; null if none has. */
  public JsonObject nextEvent(String type) {
    assertOnContract();
    inbox.drainTo(unread);
    for (Iterator<JsonObject> it = unread.iterator(); it.hasNext(); ) {
      JsonObject frame = it.next();
      if (type.equals(frame.getString("type"))) {
        it.remove();
        return frame;
      }
    }
    return null;
  }

  /** Waits (bounded) for the first unread frame that matches, leaving the others unread. */
  public JsonObject await(Predicate<JsonObject> matching, String what) {
    assertOnContract();
    for (Iterator<JsonObject> it = unread.iterator(); it.hasNext(); ) {
      JsonObject frame = it.next();
      if (matching.test(frame)) {
        it.remove();
        return frame;
      }
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        JsonObject frame = left <= 0 ? null : inbox.poll(left, TimeUnit.NANOSECONDS);
        if (frame == null) {
          throw new AssertionError("waited " + WAIT + " for " + what + "; got " + unread + " and nothing else");
        }
        if (matching.test(frame)) {
          assertOnContract();
          return frame;
        }
        unread.add(frame);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** True when no frame of this type arrives within {@code quiet}: for asserting that something did not happen. */
  public boolean staysWithout(String type, Duration quiet) {
    assertOnContract();
    long deadline = System.nanoTime() + quiet.toNanos();
    if (unread.stream().anyMatch(f -> type.equals(f.getString("type")))) {
      return false;
    }
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return true;
        }
        JsonObject frame = inbox.poll(left, TimeUnit.NANOSECONDS);
        if (frame != null) {
          unread.add(frame);
          if (type.equals(frame.getString("type"))) {
            return false;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** How many frames of this type have arrived and not been taken by an {@code await}; takes none. */
  public long countReceived(String type) {
    inbox.drainTo(unread);
    assertOnContract();
    return unread.stream().filter(f -> type.equals(f.getString("type"))).count();
  }

  /** Stops reading from the network, as a client too slow to keep up would. */
  public void pause() {
    socket.pause();
  }

  public void resume() {
    socket.resume();
  }

  /** The reason the server gave when it closed the connection (null before it did, or without one). */
  public String closeReason() {
    return socket.closeReason();
  }

  /** The {@code cid}s of frames sent and not answered (yet). */
  public Set<Object> unanswered() {
    return Set.copyOf(awaitingAnswer.keySet());
  }

  /** The close code the server sent, waiting for the close (bounded). */
  public short awaitClose() {
    try {
      return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the connection was not closed within " + WAIT, e);
    }
  }

  @Override
  public void close() {
    try {
      closeQuietly();
    } finally {
      assertOnContract();
    }
  }

  private void closeQuietly() {
    if (!closed.isDone()) {
      socket.close();
      try {
        closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception ignored) {
        // closing is best effort at the end of a test
      }
    }
  }
}
