package io.tandem.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Jwts;
import io.tandem.testing.RunningNode;
import io.tandem.testing.TestClient.Session;
import io.tandem.testing.TestConfig;
import io.tandem.testing.TestSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GatewayTest {
  private static RunningNode node;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.with(Map.of(
        "ws.maxFrameBytes", "1024",
        "ws.framesPerSecond", "5",
        "ws.frameBurst", "5",
        "ws.pingIntervalSeconds", "1",
        "ws.idleTimeoutSeconds", "2",
        "ws.maxQueuedBytes", "16384")));
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
  @DisplayName("a reader too slow for its events is disconnected, and nobody else slows down")
  void slowConsumer() {
    Session slowUser = node.http().signUp("client");
    Session other = node.http().signUp("client");
    try (TestSocket slow = TestSocket.connect(port(), slowUser.accessToken());
         TestSocket bystander = TestSocket.connect(port(), other.accessToken())) {
      slow.pause();
      String padding = "z".repeat(8000);
      String address = io.tandem.bus.Addresses.user(new io.tandem.auth.UserId(java.util.UUID.fromString(slowUser.userId())));
      for (int i = 0; i < 4000; i++) {
        node.node().vertx().eventBus().publish(address, new JsonObject().put("type", "test.flood").put("i", i).put("padding", padding));
      }
      io.tandem.testing.Poll.until("the slow connection is closed", Duration.ofSeconds(20), () ->
          io.tandem.testing.Sql.count("SELECT count(*) FROM connections WHERE user_id = ?::uuid", slowUser.userId()) == 0);
      assertThat(bystander.call("ping").getString("type")).isEqualTo("ack");
      try (TestSocket back = TestSocket.connect(port(), slowUser.accessToken())) {
        assertThat(back.call("ping").getString("type")).as("the user can reconnect").isEqualTo("ack");
      }
    }
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
      assertThat(laptop.awaitEvent("presence.status").getString("status")).isEqualTo("online");
      assertThat(phone.awaitEvent("presence.status").getString("status")).isEqualTo("online");
      phone.ack("presence.offline", new JsonObject());
    }
  }
}
