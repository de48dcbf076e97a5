package io.tandem.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.Jwts;
import io.tandem.testing.Poll;
import io.tandem.testing.RawWebSocket.Frame;
import io.tandem.testing.RawWebSocket;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient.Session;
import io.tandem.testing.TestConfig;
import io.tandem.testing.TestSocket;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class GatewayTest {
  private static final Logger log = LoggerFactory.getLogger(GatewayTest.class);
  private static final int MAX_FRAME_BYTES = 1024;
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(1000);
  /** Timers and a loaded test machine: how late a deadline may be observed. */
  private static final Duration SLACK = Duration.ofMillis(1000);
  private static RunningNode node;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.with(Map.of(
        "ws.maxFrameBytes", String.valueOf(MAX_FRAME_BYTES),
        "ws.framesPerSecond", "5",
        "ws.frameBurst", "5",
        "ws.pingIntervalSeconds", "1",
        "ws.idleTimeoutSeconds", String.valueOf(IDLE_TIMEOUT.toSeconds()),
        "ws.closeTimeoutMs", String.valueOf(CLOSE_TIMEOUT.toMillis()),
        "ws.maxQueuedBytes", "16384",
        "auth.admins", TestConfig.admin("ops", "console-password-123"))));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private int port() {
    return node.node().httpPort();
  }

  @Test
  @DisplayName("the handshake refuses a missing, forged or expired token with 401 and a foreign origin with 403")
  void handshake() {
    Session user = node.http().signUp("client");
    assertThat(TestSocket.handshakeStatus(port(), null, null)).isEqualTo(401);
    assertThat(TestSocket.handshakeStatus(port(), Jwts.hs256(new byte[32], Jwts.claims(user.userId(), "client", 600)), null)).isEqualTo(401);
    assertThat(TestSocket.handshakeStatus(port(), Jwts.hs256(Jwts.testKey(), Jwts.claims(user.userId(), "client", -600)), null)).isEqualTo(401);
    assertThat(TestSocket.handshakeStatus(port(), user.accessToken(), "https://evil.example.com")).isEqualTo(403);
    assertThat(TestSocket.handshakeStatus(port(), user.accessToken(), "http://localhost:8080")).isEqualTo(101);
    assertThat(TestSocket.handshakeStatus(port(), user.accessToken(), null)).isEqualTo(101);
  }

  @Test
  @DisplayName("a client's offer of permessage-deflate is declined while ws.perMessageDeflate is off (the default)")
  void noCompressionByDefault() {
    Session user = node.http().signUp("client");
    assertThat(TestSocket.agreedExtensions(port(), user.accessToken(), "permessage-deflate; client_max_window_bits")).isNull();
  }

  @Test
  @DisplayName("a browser may pass the token in the query string; ping is acknowledged with its cid")
  void queryTokenAndPing() {
    Session user = node.http().signUp("client");
    try (TestSocket socket = TestSocket.connectWithQueryToken(port(), user.accessToken())) {
      JsonObject ack = socket.call("ping");
      assertThat(ack.getString("type")).isEqualTo("ack");
    }
  }

  @Test
  @DisplayName("unknown types and malformed frames get a bad_request error, and the connection keeps working")
  void badFrames() {
    Session user = node.http().signUp("client");
    try (TestSocket socket = TestSocket.connect(port(), user.accessToken())) {
      JsonObject unknown = socket.call("no.such.type");
      assertThat(unknown.getString("type")).isEqualTo("error");
      assertThat(unknown.getString("code")).isEqualTo("bad_request");
      assertThat(unknown.getString("message")).contains("no.such.type");

      socket.sendText("{not json");
      JsonObject malformed = socket.awaitEvent("error");
      assertThat(malformed.getString("code")).isEqualTo("bad_request");
      assertThat(malformed.containsKey("cid")).isFalse();

      socket.send(new JsonObject().put("cid", "x1"));
      assertThat(socket.await(f -> "x1".equals(f.getString("cid")), "the error for a frame without type").getString("message")).contains("type");

      assertThat(socket.call("ping").getString("type")).isEqualTo("ack");
    }
  }

  @Test
  @DisplayName("a frame over ws.maxFrameBytes closes the connection with 1009; others are unaffected")
  void oversizedFrame() {
    Session user = node.http().signUp("client");
    try (TestSocket bystander = TestSocket.connect(port(), user.accessToken());
         TestSocket socket = TestSocket.connect(port(), user.accessToken())) {
      socket.sendText(new JsonObject().put("type", "ping").put("padding", "x".repeat(2000)).encode());
      assertThat(socket.awaitClose()).isEqualTo((short) 1009);
      assertThat(bystander.call("ping").getString("type")).isEqualTo("ack");
    }
  }

  @Test
  @DisplayName("past the frame rate limit a frame gets rate_limited, and the connection recovers")
  void rateLimit() {
    Session user = node.http().signUp("client");
    try (TestSocket socket = TestSocket.connect(port(), user.accessToken())) {
      for (int i = 0; i < 8; i++) {
        socket.send(new JsonObject().put("type", "ping").put("cid", "burst" + i));
      }
      JsonObject limited = socket.await(f -> "error".equals(f.getString("type")) && "rate_limited".equals(f.getString("code")), "a rate_limited error");
      assertThat(limited.getString("cid")).startsWith("burst");
      io.tandem.testing.Poll.until("the bucket refills", Duration.ofSeconds(5), () -> "ack".equals(socket.call("ping").getString("type")));
    }
  }

  @Test
  @DisplayName("a connection that answers pings stays open past the idle timeout; one that does not is closed with 1001")
  void idleTimeout() throws Exception {
    Session user = node.http().signUp("client");
    try (TestSocket answering = TestSocket.connect(port(), user.accessToken());
         java.net.Socket silent = new java.net.Socket("127.0.0.1", port())) {
      // A bare WebSocket client that never answers a ping (Vert.x's client always does).
      silent.setSoTimeout(10_000);
      String handshake = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Authorization: Bearer " + user.accessToken() + "\r\n\r\n";
      silent.getOutputStream().write(handshake.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.InputStream in = silent.getInputStream();
      java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
      int closeCode = -1;
      while (closeCode < 0) {
        int b = in.read();
        assertThat(b).as("the server closes the silent connection with a close frame").isNotNegative();
        received.write(b);
        closeCode = closeCode(received.toByteArray());
      }
      assertThat(new String(received.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 101");
      assertThat(closeCode).isEqualTo(1001);
      assertThat(answering.call("ping").getString("type")).as("the answering connection is still open").isEqualTo("ack");
    }
  }

  @Test
  @DisplayName("a connection that stops answering pings gets 1001 within ws.idleTimeoutSeconds and is gone ws.closeTimeoutMs later")
  void stopsAnsweringPings() {
    Session user = node.http().signUp("expert");
    try (RawWebSocket frozen = RawWebSocket.connect(port(), user.accessToken())) {
      long lastAnswer = 0;
      int answered = 0;
      int code = -1;
      Frame frame;
      while ((frame = frozen.readFrame()) != null) {
        if (frame.opcode() == RawWebSocket.PING && answered < 2) {
          frozen.sendFrame(RawWebSocket.PONG, true, frame.payload());
          lastAnswer = System.nanoTime();
          answered++;
        } else if (frame.opcode() == RawWebSocket.CLOSE) {
          code = frame.closeCode();
          break;
        }
      }
      Duration toClose = Duration.ofNanos(System.nanoTime() - lastAnswer);
      boolean ended = frozen.awaitEnd(CLOSE_TIMEOUT.plus(SLACK));
      Duration toEnd = Duration.ofNanos(System.nanoTime() - lastAnswer);
      log.info("frozen connection: close frame {} ms and end {} ms after its last pong", toClose.toMillis(), toEnd.toMillis());
      assertThat(answered).isEqualTo(2);
      assertThat(code).isEqualTo(1001);
      assertThat(toClose).isBetween(IDLE_TIMEOUT.minus(SLACK), IDLE_TIMEOUT.plus(SLACK));
      assertThat(ended).isTrue();
      assertThat(toEnd).isLessThan(IDLE_TIMEOUT.plus(CLOSE_TIMEOUT).plus(SLACK));
    }
  }

  @Test
  @DisplayName("an expert whose only connection froze is not left holding an offer: withdrawn when the connection is closed for silence, no penalty, long before the offer's deadline")
  void frozenExpertLosesTheOfferAtOnce() {
    String topic = Actors.uniqueTopic();
    try (Person expert = Actors.expert(node, topic);
         RawWebSocket frozen = RawWebSocket.connect(port(), expert.session().accessToken());
         Person client = Actors.client(node)) {
      expert.socket().close(); // the frozen one is now the expert's only connection
      String requestId = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      long offered = 0;
      int code = -1;
      Frame frame;
      while ((frame = frozen.readFrame()) != null) { // alive until the offer comes, then frozen: reads, never answers a ping
        if (frame.opcode() == RawWebSocket.PING && offered == 0) {
          frozen.sendFrame(RawWebSocket.PONG, true, frame.payload());
        } else if (frame.opcode() == RawWebSocket.TEXT && "offer".equals(new JsonObject(frame.text()).getString("type"))) {
          offered = System.nanoTime();
        } else if (frame.opcode() == RawWebSocket.CLOSE) {
          code = frame.closeCode();
          break;
        }
      }
      assertThat(offered).as("the offer reached the connection before it froze for good").isNotZero();
      assertThat(code).isEqualTo(1001);
      Poll.until("the offer is withdrawn", IDLE_TIMEOUT.plus(SLACK).plus(SLACK),
          () -> Sql.count("SELECT count(*) FROM offers WHERE request_id = ?::uuid AND state = 'revoked'", requestId) == 1);
      Duration held = Duration.ofNanos(System.nanoTime() - offered);
      log.info("an offer to a frozen connection was withdrawn {} ms after it was written", held.toMillis());
      assertThat(held).as("not the offer's deadline (matching.offerTimeoutSeconds)").isLessThan(IDLE_TIMEOUT.plus(SLACK).plus(SLACK));
      assertThat(Sql.count("SELECT count(*) FROM penalties WHERE user_id = ?::uuid", expert.id())).as("no penalty").isZero();
      // The console does not call them online while nobody can reach them.
      String admin = node.http().logIn("ops", "console-password-123");
      assertThat(node.http().get("/api/v1/admin/experts", admin).json().getJsonArray("experts").stream()
          .map(JsonObject.class::cast).filter(e -> expert.id().equals(e.getString("id"))).map(e -> e.getString("status")).toList())
          .containsExactly("reconnecting");
      client.socket().ack("request.cancel", new JsonObject().put("requestId", requestId));
    }
  }

  @Test
  @DisplayName("a text message that is not valid UTF-8 closes the connection with 1007 and is not executed; others are unaffected")
  void invalidUtf8() {
    Session user = node.http().signUp("client");
    try (TestSocket bystander = TestSocket.connect(port(), user.accessToken())) {
      for (byte[] bad : new byte[][] {{(byte) 0xff}, {(byte) 0xc3}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xc0, (byte) 0xaf}}) {
        try (RawWebSocket socket = RawWebSocket.connect(port(), user.accessToken())) {
          socket.sendText(concat(utf8("{\"type\": \"ping\", \"cid\": \"u1\", \"x\": \""), bad, utf8("\"}")), true);
          Frame first = socket.readFrame();
          assertThat(first).as("the answer to %s", Arrays.toString(bad)).isNotNull();
          assertThat(first.opcode()).as("no ack, a close frame: %s", first.text()).isEqualTo(RawWebSocket.CLOSE);
          assertThat(first.closeCode()).isEqualTo(1007);
        }
      }
      try (RawWebSocket split = RawWebSocket.connect(port(), user.accessToken())) {
        // é split between two fragments, then an invalid byte in the last one
        split.sendText(utf8("{\"type\": \"ping\", \"x\": \"\u00e9"), false);
        split.sendFrame(RawWebSocket.CONTINUATION, true, concat(new byte[] {(byte) 0xa9, (byte) 0x80}, utf8("\"}")));
        assertThat(split.awaitClose()).isEqualTo(1007);
      }
      assertThat(bystander.call("ping").getString("type")).isEqualTo("ack");
    }
  }

  @Test
  @DisplayName("a message fragmented into text and continuation frames is put back together, a character split between fragments included")
  void fragmentedMessage() {
    Session user = node.http().signUp("client");
    try (RawWebSocket socket = RawWebSocket.connect(port(), user.accessToken())) {
      byte[] message = utf8("{\"type\": \"no.such.type.\u00e9\", \"cid\": \"f1\"}");
      int cut = new String(message, StandardCharsets.UTF_8).indexOf('\u00e9') + 1; // inside the two bytes of é
      socket.sendText(Arrays.copyOfRange(message, 0, cut), false);
      socket.sendFrame(RawWebSocket.CONTINUATION, false, Arrays.copyOfRange(message, cut, cut + 3));
      socket.sendFrame(RawWebSocket.CONTINUATION, true, Arrays.copyOfRange(message, cut + 3, message.length));
      Frame answer = socket.readFrame();
      JsonObject error = new JsonObject(answer.text());
      assertThat(error.getString("cid")).isEqualTo("f1");
      assertThat(error.getString("message")).contains("no.such.type.\u00e9");
    }
  }

  @Test
  @DisplayName("a frame over ws.maxFrameBytes closes with 1009 whatever its size, before the server has read it, from a real client too")
  void hugeFrame() {
    Session user = node.http().signUp("client");
    try (RawWebSocket socket = RawWebSocket.connect(port(), user.accessToken())) {
      socket.sendHeader(RawWebSocket.TEXT, true, 1L << 30); // announces 1 GiB
      socket.sendPayload(new byte[64 * 1024]);
      assertThat(socket.awaitClose()).isEqualTo(1009);
      assertThat(socket.awaitEnd(CLOSE_TIMEOUT.plus(SLACK))).isTrue();
    }
    try (TestSocket socket = TestSocket.connect(port(), user.accessToken())) {
      socket.sendText(new JsonObject().put("type", "ping").put("padding", "x".repeat(100 * MAX_FRAME_BYTES)).encode());
      assertThat(socket.awaitClose()).isEqualTo((short) 1009);
    }
  }

  @Test
  @DisplayName("a message over ws.maxFrameBytes closes with 1009 even when each of its fragments is small")
  void oversizedFragmentedMessage() {
    Session user = node.http().signUp("client");
    try (RawWebSocket socket = RawWebSocket.connect(port(), user.accessToken())) {
      byte[] fragment = new byte[MAX_FRAME_BYTES * 6 / 10];
      Arrays.fill(fragment, (byte) 'x');
      socket.sendText(fragment, false);
      socket.sendFrame(RawWebSocket.CONTINUATION, false, fragment);
      socket.sendFrame(RawWebSocket.CONTINUATION, true, fragment);
      assertThat(socket.awaitClose()).isEqualTo(1009);
    }
    try (RawWebSocket socket = RawWebSocket.connect(port(), user.accessToken())) {
      byte[] fragment = new byte[100];
      socket.sendFrame(RawWebSocket.BINARY, false, fragment);
      for (int i = 0; i < 1000; i++) {
        socket.sendFrame(RawWebSocket.CONTINUATION, false, fragment); // 100 KB in all, never finished
      }
      assertThat(socket.awaitClose()).isEqualTo(1009);
    }
  }

  @Test
  @DisplayName("frames out of the order RFC 6455 allows close the connection with 1002")
  void protocolErrors() {
    Session user = node.http().signUp("client");
    try (RawWebSocket socket = RawWebSocket.connect(port(), user.accessToken())) {
      socket.sendFrame(RawWebSocket.CONTINUATION, true, utf8("{}"));
      assertThat(socket.awaitClose()).as("a continuation with no message").isEqualTo(1002);
    }
    try (RawWebSocket socket = RawWebSocket.connect(port(), user.accessToken())) {
      socket.sendFrame(RawWebSocket.PING, false, new byte[0]);
      assertThat(socket.awaitClose()).as("a fragmented control frame").isEqualTo(1002);
    }
  }

  @Test
  @DisplayName("malformed, typeless and binary frames count against the rate limit like any other")
  void everyFrameCounts() {
    Session user = node.http().signUp("client");
    try (RawWebSocket socket = RawWebSocket.connect(port(), user.accessToken())) {
      socket.sendText(utf8("{not json"), true);
      socket.sendText(utf8("{\"cid\": \"no-type\"}"), true);
      socket.sendFrame(RawWebSocket.BINARY, true, new byte[] {1, 2, 3});
      socket.sendText(utf8("[]"), true);
      socket.sendFrame(RawWebSocket.BINARY, true, new byte[] {4});
      socket.sendText(utf8("{\"type\": \"ping\", \"cid\": \"after-junk\"}"), true);
      JsonObject answer;
      do {
        Frame frame = socket.readFrame();
        assertThat(frame).as("an answer to the ping").isNotNull();
        answer = frame.opcode() == RawWebSocket.TEXT ? new JsonObject(frame.text()) : new JsonObject();
      } while (!"after-junk".equals(answer.getString("cid")));
      assertThat(answer.getString("type")).isEqualTo("error");
      assertThat(answer.getString("code")).isEqualTo("rate_limited");
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** The status code of the first close frame after the handshake response, or -1 while there is none yet. */
  private static int closeCode(byte[] bytes) {
    String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    int header = text.indexOf("\r\n\r\n");
    if (header < 0) {
      return -1;
    }
    int i = header + 4;
    while (i + 1 < bytes.length) {
      int length = bytes[i + 1] & 0x7f; // server frames are unmasked; pings and closes are short
      if (i + 2 + length > bytes.length) {
        return -1;
      }
      if ((bytes[i] & 0x0f) == 0x8) {
        return length >= 2 ? ((bytes[i + 2] & 0xff) << 8) | (bytes[i + 3] & 0xff) : 1005;
      }
      i += 2 + length;
    }
    return -1;
  }

  @Test
  @DisplayName("an event for a user reaches every connection the user holds")
  void everyDevice() {
    Session expert = node.http().signUp("expert");
    try (TestSocket phone = TestSocket.connect(port(), expert.accessToken());
         TestSocket laptop = TestSocket.connect(port(), expert.accessToken())) {
      phone.ack("presence.online", new JsonObject()
          .put("topics", new io.vertx.core.json.JsonArray().add("gateway-test"))
          .put("modes", new io.vertx.core.json.JsonArray().add("chat"))
          .put("location", new JsonObject().put("lat", 31.2).put("lng", 121.5)));
      // Each connection was greeted with "offline" (so they were): what counts is the online that follows, on both.
      assertThat(laptop.awaitEvent("presence.status", e -> "online".equals(e.getString("status")))).isNotNull();
      assertThat(phone.awaitEvent("presence.status", e -> "online".equals(e.getString("status")))).isNotNull();
      phone.ack("presence.offline", new JsonObject());
    }
  }
}
