package io.tandem.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors.Person;
import io.tandem.testing.Actors;
import io.tandem.testing.LedgerInvariants;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestConfig;
import io.tandem.testing.TestSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A request belongs to a client who is there: one live request each, visible from every device; a
 * client gone while waiting is cancelled before any offer and charged nothing; one back in time loses nothing.
 */
class ClientPresenceTest {
  private static final int GONE_SECONDS = 2;
  private static RunningNode node;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.with(Map.of(
        "matching.clientGoneSeconds", String.valueOf(GONE_SECONDS),
        "matching.clientPresentSeconds", "1",
        "matching.sweepIntervalMs", "200")));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @AfterEach
  void ledgerBalances() {
    LedgerInvariants.check("after the test");
  }

  /** The client's connection closed, as the server saw it: no connection of theirs is left. */
  private static void gone(Person client) {
    client.socket().close();
    // The connection is forgotten first, then the client's waiting request marked away: wait for both.
    Poll.until("the server saw the client go", Duration.ofSeconds(5),
        () -> Sql.count("SELECT count(*) FROM connections WHERE user_id = ?::uuid", client.id()) == 0
            && Sql.count("SELECT count(*) FROM requests WHERE client_id = ?::uuid AND status IN ('queued', 'offered')"
                + " AND client_away_since IS NULL", client.id()) == 0);
  }

  /** The client asks, then goes: the request waits with its client away. */
  private static String askThenGo(Person client, String topic) {
    String requestId = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
    gone(client);
    return requestId;
  }

  @Test
  @DisplayName("a second request while one waits is refused, naming the live one (HTTP and WebSocket); the same key is not a second; after a cancel, fine")
  void oneLiveRequest() {
    try (Person client = Actors.client(node)) {
      String token = client.session().accessToken();
      String topic = Actors.uniqueTopic();
      Response first = node.http().post("/api/v1/requests", Actors.request(topic, "chat"), token, Map.of("Idempotency-Key", "k-1"));
      assertThat(first.status()).isEqualTo(201);
      String live = first.json().getString("id");

      Response again = node.http().post("/api/v1/requests", Actors.request(Actors.uniqueTopic(), "video"), token);
      assertThat(again.status()).isEqualTo(409);
      assertThat(again.json().getJsonObject("error").getString("requestId")).isEqualTo(live);
      JsonObject overSocket = client.socket().call("request.create", Actors.request(Actors.uniqueTopic(), "chat"));
      assertThat(overSocket.getString("code")).isEqualTo("conflict");
      assertThat(overSocket.getString("requestId")).isEqualTo(live);
      Response retried = node.http().post("/api/v1/requests", Actors.request(topic, "chat"), token, Map.of("Idempotency-Key", "k-1"));
      assertThat(retried.status()).as("a retry is the same request, not a second").isEqualTo(201);
      assertThat(retried.json().getString("id")).isEqualTo(live);

      JsonArray mine = node.http().get("/api/v1/me/requests", token).json().getJsonArray("requests");
      assertThat(mine.getJsonObject(0).getString("id")).as("the live one first").isEqualTo(live);
      assertThat(mine.getJsonObject(0).getString("status")).isEqualTo("queued");
      assertThat(mine.getJsonObject(0).getJsonObject("price").getLong("amount")).isEqualTo(2000);

      client.socket().ack("request.cancel", new JsonObject().put("requestId", live));
      JsonObject cancelled = client.socket().awaitEvent("request.status", s -> "cancelled".equals(s.getString("status")));
      assertThat(cancelled.getString("reason")).isEqualTo("client");
      String next = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      assertThat(node.http().get("/api/v1/me/requests?limit=1", token).json().getJsonArray("requests").getJsonObject(0).getString("id"))
          .isEqualTo(next);
      client.socket().ack("request.cancel", new JsonObject().put("requestId", next));
    }
  }

  @Test
  @DisplayName("a client who closes the tab while waiting is not offered to an expert who comes online, is cancelled client_left, and pays nothing")
  void goneWhileWaiting() {
    String topic = Actors.uniqueTopic();
    Person client = Actors.client(node);
    String requestId = askThenGo(client, topic);
    try (Person expert = Actors.expert(node, topic)) {
      assertThat(expert.socket().staysWithout("offer", Duration.ofSeconds(GONE_SECONDS + 1))).as("no offer for a client who is not there").isTrue();
      Poll.until("the request is cancelled", Duration.ofSeconds(5),
          () -> "cancelled".equals(Sql.string("SELECT status FROM requests WHERE id = ?::uuid", requestId)));
      assertThat(Sql.string("SELECT cancel_reason FROM requests WHERE id = ?::uuid", requestId)).isEqualTo("client_left");
      assertThat(Sql.count("SELECT count(*) FROM offers WHERE request_id = ?::uuid", requestId)).isZero();
      assertThat(client.balance(node)).as("nothing held, nothing charged").isEqualTo(10000);
      try (TestSocket back = TestSocket.connect(node.node().httpPort(), client.session().accessToken())) {
        JsonObject read = node.http().get("/api/v1/requests/" + requestId, client.session().accessToken()).json();
        assertThat(read.getString("status")).isEqualTo("cancelled");
        assertThat(read.getString("reason")).as("the client learns why when back").isEqualTo("client_left");
      }
    }
  }

  @Test
  @DisplayName("a client back within matching.clientGoneSeconds loses nothing: the request waits for them and is then offered")
  void backInTime() {
    String topic = Actors.uniqueTopic();
    Person client = Actors.client(node);
    String requestId = askThenGo(client, topic);
    try (Person expert = Actors.expert(node, topic)) {
      assertThat(expert.socket().staysWithout("offer", Duration.ofMillis(800))).isTrue();
      try (TestSocket back = TestSocket.connect(node.node().httpPort(), client.session().accessToken())) {
        JsonObject offer = expert.socket().awaitEvent("offer");
        assertThat(offer.getString("requestId")).isEqualTo(requestId);
        assertThat(offer.getJsonObject("earns").getLong("amount")).as("the price less the platform's 10 %").isEqualTo(1800);
        assertThat(offer.getJsonObject("earns").getString("currency")).isEqualTo("CNY");
        back.ack("request.cancel", new JsonObject().put("requestId", requestId));
      }
    }
  }

  @Test
  @DisplayName("an offer accepted while its client is not there is withdrawn (client_left, no penalty), and made again when they are back")
  void acceptedWhileAway() {
    String topic = Actors.uniqueTopic();
    Person client = Actors.client(node);
    try (Person expert = Actors.expert(node, topic)) {
      String requestId = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      String offerId = expert.socket().awaitEvent("offer").getString("offerId");
      gone(client);
      JsonObject refused = expert.socket().call("offer.accept", new JsonObject().put("offerId", offerId));
      assertThat(refused.getString("code")).isEqualTo("conflict");
      assertThat(refused.getString("message")).contains("stepped away");
      assertThat(expert.socket().awaitEvent("offer.revoked").getString("reason")).isEqualTo("client_left");
      assertThat(Sql.count("SELECT count(*) FROM sessions WHERE request_id = ?::uuid", requestId)).isZero();
      assertThat(Sql.count("SELECT count(*) FROM penalties WHERE user_id = ?::uuid", expert.id())).isZero();
      assertThat(client.balance(node)).isEqualTo(10000);
      try (TestSocket back = TestSocket.connect(node.node().httpPort(), client.session().accessToken())) {
        JsonObject again = expert.socket().awaitEvent("offer");
        assertThat(again.getString("requestId")).as("the same expert may take it after all").isEqualTo(requestId);
        assertThat(expert.socket().ack("offer.accept", new JsonObject().put("offerId", again.getString("offerId"))).getString("sessionId")).isNotBlank();
        assertThat(back.awaitEvent("session.ready").getJsonObject("price").getLong("amount")).isEqualTo(2000);
      }
    }
  }

  @Test
  @DisplayName("an offer that runs out while its client is away was nobody's to answer: withdrawn client_left, no penalty, not a missed offer")
  void offerRunsOutWhileClientAway() {
    String topic = Actors.uniqueTopic();
    Person client = Actors.client(node);
    try (Person expert = Actors.expert(node, topic)) {
      String requestId = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      String offerId = expert.socket().awaitEvent("offer").getString("offerId");
      gone(client);
      // Its deadline long past, as when a node died with its timer: the sweeper's timeout, the same statement as the timer's.
      Sql.update("UPDATE offers SET expires_at = now() - interval '1 minute' WHERE id = ?::uuid", offerId);
      JsonObject revoked = expert.socket().awaitEvent("offer.revoked");
      assertThat(revoked.getString("offerId")).isEqualTo(offerId);
      assertThat(revoked.getString("reason")).isEqualTo("client_left");
      assertThat(Sql.string("SELECT state FROM offers WHERE id = ?::uuid", offerId)).isEqualTo("revoked");
      assertThat(Sql.count("SELECT count(*) FROM penalties WHERE user_id = ?::uuid", expert.id())).isZero();
      assertThat(node.http().get("/api/v1/me/stats", expert.session().accessToken()).json().getJsonObject("offers").getLong("missed"))
          .as("not a missed offer").isZero();
      Poll.until("the request is cancelled, its client gone", Duration.ofSeconds(5),
          () -> "cancelled".equals(Sql.string("SELECT status FROM requests WHERE id = ?::uuid", requestId)));
    }
  }

  @Test
  @DisplayName("a client without a WebSocket is there while they poll their request")
  void pollingIsBeingThere() {
    String topic = Actors.uniqueTopic();
    String token = node.http().signUp("client").accessToken();
    String requestId = node.http().post("/api/v1/requests", Actors.request(topic, "chat"), token).json().getString("id");
    try (Person expert = Actors.expert(node, topic)) {
      // Polled more often than matching.clientPresentSeconds: offered.
      Poll.until("an offer is made", Duration.ofSeconds(10), () -> {
        node.http().get("/api/v1/requests/" + requestId, token);
        return Sql.count("SELECT count(*) FROM offers WHERE request_id = ?::uuid", requestId) > 0;
      });
      assertThat(expert.socket().awaitEvent("offer").getString("requestId")).isEqualTo(requestId);
      node.http().delete("/api/v1/requests/" + requestId, token);
    }
  }
}
