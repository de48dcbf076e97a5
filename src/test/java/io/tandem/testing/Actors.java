package io.tandem.testing;

import io.tandem.testing.TestClient.Session;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** People in a test: signed up, connected, and (for experts) online. */
public final class Actors {
  /** Near People's Square, Shanghai. */
  public static final double SHANGHAI_LAT = 31.2304;
  public static final double SHANGHAI_LNG = 121.4737;

  private Actors() {}

  public record Person(Session session, TestSocket socket) implements AutoCloseable {
    public String id() {
      return session.userId();
    }

    /** The wallet's balance in minor units, as the person reads it from {@code GET /me}. */
    public long balance(RunningNode node) {
      return node.http().get("/api/v1/me", session.accessToken()).json().getLong("balance");
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  /** A topic no other test uses, so that tests sharing the database never see each other's requests. */
  public static String uniqueTopic() {
    return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  public static Person expert(RunningNode node, String topic, double lat, double lng, int capacity, String... modes) {
    return expert(node.http(), node.node().httpPort(), topic, lat, lng, capacity, modes);
  }

  /**
   * An expert of a server reached by {@code http} and WebSockets on {@code port} (a server in another
   * process, say), online; {@code topic} may list several, comma-separated.
   */
  public static Person expert(TestClient http, int port, String topic, double lat, double lng, int capacity, String... modes) {
    Session session = http.signUp("expert");
    JsonArray modeList = new JsonArray();
    for (String mode : modes.length == 0 ? new String[] {"chat", "video"} : modes) {
      modeList.add(mode);
    }
    JsonObject profile = new JsonObject()
        .put("topics", new JsonArray(java.util.List.of((Object[]) topic.split(","))))
        .put("modes", modeList)
        .put("location", new JsonObject().put("lat", lat).put("lng", lng))
        .put("capacity", capacity);
    TestClient.Response saved = http.put("/api/v1/experts/me", profile, session.accessToken());
    if (saved.status() != 200) {
      throw new AssertionError("profile not saved: " + saved);
    }
    TestSocket socket = TestSocket.connect(port, session.accessToken());
    socket.ack("presence.online", new JsonObject());
    return new Person(session, socket);
  }

  public static Person expert(RunningNode node, String topic) {
    return expert(node, topic, SHANGHAI_LAT, SHANGHAI_LNG, 1);
  }

  public static Person client(RunningNode node) {
    return client(node.http(), node.node().httpPort());
  }

  public static Person client(TestClient http, int port) {
    Session session = http.signUp("client");
    return new Person(session, TestSocket.connect(port, session.accessToken()));
  }

  /** A client and an expert (on these nodes) matched into a waiting session. */
  public record Pair(Person client, Person expert, String sessionId) implements AutoCloseable {
    @Override
    public void close() {
      client.close();
      expert.close();
    }
  }

  public static Pair matched(RunningNode clientNode, RunningNode expertNode) {
    String topic = uniqueTopic();
    return matched(client(clientNode), expert(expertNode, topic), topic);
  }

  /** {@code client} asks for {@code topic}, which {@code expert} (online) offers alone, and the expert accepts. */
  public static Pair matched(Person client, Person expert, String topic) {
    client.socket().ack("request.create", request(topic, "video"));
    String offerId = expert.socket().awaitEvent("offer").getString("offerId");
    String sessionId = expert.socket().ack("offer.accept", new JsonObject().put("offerId", offerId)).getString("sessionId");
    client.socket().awaitEvent("session.ready");
    expert.socket().awaitEvent("session.ready");
    return new Pair(client, expert, sessionId);
  }

  /**
   * The consultation of {@code pair} takes place and ends; the client rates the expert
   * ({@code stars}, {@code comment}: a review when not empty) and the expert rates the client.
   */
  public static void consultedAndRated(TestClient http, Pair pair, int stars, String comment) {
    JsonObject session = new JsonObject().put("sessionId", pair.sessionId());
    pair.client().socket().ack("room.join", session.copy());
    pair.expert().socket().ack("room.join", session.copy());
    pair.client().socket().ack("session.end", session.copy());
    String path = "/api/v1/sessions/" + pair.sessionId() + "/ratings";
    for (var rating : java.util.Map.of(pair.client(), new JsonObject().put("stars", stars).put("comment", comment),
        pair.expert(), new JsonObject().put("stars", 2).put("comment", "Rude client")).entrySet()) {
      TestClient.Response rated = http.post(path, rating.getValue(), rating.getKey().session().accessToken());
      if (rated.status() != 201) {
        throw new AssertionError("not rated: " + rated);
      }
    }
  }

  public static Pair matched(RunningNode node) {
    return matched(node, node);
  }

  public static JsonObject request(String topic, String mode) {
    return new JsonObject()
        .put("topic", topic)
        .put("mode", mode)
        .put("location", new JsonObject().put("lat", SHANGHAI_LAT + 0.01).put("lng", SHANGHAI_LNG + 0.01))
        .put("brief", "Need help with " + topic);
  }
}
