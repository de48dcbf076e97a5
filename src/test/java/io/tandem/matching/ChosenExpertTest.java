package io.tandem.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Ask this expert: a request naming an expert is offered to them alone, the client is told when
 * they cannot take it, and opening it to everyone lets the others have it.
 */
class ChosenExpertTest {
  private static RunningNode node;
  private static TestClient http;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.defaults());
    http = node.http();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonObject asking(String topic, Person expert) {
    return Actors.request(topic, "chat").put("expertId", expert.id());
  }

  private static String reasonOf(Person client, String requestId) {
    return http.get("/api/v1/requests/" + requestId, client.session().accessToken()).json().getString("reason");
  }

  @Test
  @DisplayName("offered to the chosen expert alone, never to another while they consider it; they decline, the client is told, opens it, and another expert gets it")
  void declinedThenOpened() {
    String topic = Actors.uniqueTopic();
    try (Person other = Actors.expert(node, topic); Person chosen = Actors.expert(node, topic); Person client = Actors.client(node)) {
      JsonObject created = client.socket().ack("request.create", asking(topic, chosen));
      String requestId = created.getString("requestId");
      assertThat(created.getString("expertId")).isEqualTo(chosen.id());
      String offerId = chosen.socket().awaitEvent("offer").getString("offerId");
      assertThat(other.socket().staysWithout("offer", Duration.ofMillis(500))).as("not offered to another while the chosen one considers it").isTrue();

      chosen.socket().ack("offer.decline", new JsonObject().put("offerId", offerId));
      client.socket().awaitEvent("request.status", ev -> "chosen_expert_unavailable".equals(ev.getString("reason")));
      assertThat(reasonOf(client, requestId)).isEqualTo("chosen_expert_unavailable");
      assertThat(other.socket().countReceived("offer")).as("declined by the chosen one: still nobody else").isZero();

      JsonObject opened = client.socket().ack("request.open", new JsonObject().put("requestId", requestId));
      assertThat(opened.containsKey("expertId")).isFalse();
      assertThat(other.socket().awaitEvent("offer").getString("requestId")).isEqualTo(requestId);
      assertThat(Sql.count("SELECT count(*) FROM offers WHERE request_id = ?::uuid", requestId)).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("a chosen expert who is offline: the request waits for them, told why; opened over HTTP, an online expert gets it")
  void chosenOffline() {
    String topic = Actors.uniqueTopic();
    try (Person online = Actors.expert(node, topic); Person away = Actors.expert(node, topic); Person client = Actors.client(node)) {
      away.socket().ack("presence.offline", new JsonObject());
      Response created = http.post("/api/v1/requests", asking(topic, away), client.session().accessToken());
      assertThat(created.status()).isEqualTo(201);
      String requestId = created.json().getString("id");
      assertThat(created.json().getString("reason")).isEqualTo("chosen_expert_unavailable");
      assertThat(online.socket().staysWithout("offer", Duration.ofMillis(500))).isTrue();

      Response opened = http.post("/api/v1/requests/" + requestId + "/open", new JsonObject(), client.session().accessToken());
      assertThat(opened.status()).isEqualTo(200);
      JsonObject offer = online.socket().awaitEvent("offer");
      assertThat(offer.getString("requestId")).isEqualTo(requestId);
      assertThat(http.post("/api/v1/requests/" + requestId + "/open", new JsonObject(), client.session().accessToken()).status())
          .as("again: answered the same").isEqualTo(200);
      online.socket().ack("offer.accept", new JsonObject().put("offerId", offer.getString("offerId")));
      Response late = http.post("/api/v1/requests/" + requestId + "/open", new JsonObject(), client.session().accessToken());
      assertThat(late.status()).as("matched: nothing to open").isEqualTo(409);
      assertThat(http.post("/api/v1/requests/" + requestId + "/open", new JsonObject(), Actors.client(node).session().accessToken()).status())
          .as("someone else's request").isEqualTo(404);
      Response asExpert = http.post("/api/v1/requests/" + requestId + "/open", new JsonObject(), online.session().accessToken());
      assertThat(asExpert.status()).isEqualTo(403);
      assertThat(asExpert.errorMessage()).contains("only the client of a request");
    }
  }

  @Test
  @DisplayName("PostgreSQL refuses an offer of a request to an expert other than the chosen one (make_offers answers not_chosen, writes nothing)")
  void databaseGuard() {
    String topic = Actors.uniqueTopic();
    try (Person other = Actors.expert(node, topic); Person away = Actors.expert(node, topic); Person client = Actors.client(node)) {
      away.socket().ack("presence.offline", new JsonObject());
      String requestId = http.post("/api/v1/requests", asking(topic, away), client.session().accessToken()).json().getString("id");
      String outcome = Sql.string("SELECT o_outcome FROM make_offers((SELECT shard FROM requests WHERE id = ?::uuid),"
          + " (SELECT l.owner_node FROM shard_leases l JOIN requests r ON r.shard = l.shard WHERE r.id = ?::uuid),"
          + " (SELECT l.epoch FROM shard_leases l JOIN requests r ON r.shard = l.shard WHERE r.id = ?::uuid),"
          + " ARRAY[?::uuid], ARRAY[?::uuid], ARRAY[1.0::float8], ARRAY[gen_random_uuid()], 20::float8, 10::float8)",
          requestId, requestId, requestId, requestId, other.id());
      assertThat(outcome).isEqualTo("not_chosen");
      assertThat(Sql.count("SELECT count(*) FROM offers WHERE request_id = ?::uuid", requestId)).isZero();
      assertThat(Sql.string("SELECT status FROM requests WHERE id = ?::uuid", requestId)).isEqualTo("queued");
    }
  }

  @Test
  @DisplayName("expertId: malformed, nobody, a client, or an expert who does not offer the topic or mode is bad_request naming it")
  void badChoices() {
    String topic = Actors.uniqueTopic();
    try (Person expert = Actors.expert(node, topic); Person client = Actors.client(node)) {
      String token = client.session().accessToken();
      for (String id : new String[] {"not-an-id", UUID.randomUUID().toString(), client.id()}) {
        Response answer = http.post("/api/v1/requests", Actors.request(topic, "chat").put("expertId", id), token);
        assertThat(answer.status()).as(id).isEqualTo(400);
        assertThat(answer.errorMessage()).as(id).startsWith("expertId");
      }
      Response elsewhere = http.post("/api/v1/requests", asking(Actors.uniqueTopic(), expert), token);
      assertThat(elsewhere.status()).isEqualTo(400);
      assertThat(elsewhere.json().getJsonObject("error").getString("reason")).isEqualTo("expert_does_not_offer");
      assertThat(http.post("/api/v1/requests", Actors.request(topic, "in_person").put("maxDistanceKm", 5).put("expertId", expert.id()), token)
          .json().getJsonObject("error").getString("reason")).as("offers chat and video only").isEqualTo("expert_does_not_offer");
      Poll.until("nothing was created", Duration.ofSeconds(1), () -> Sql.count("SELECT count(*) FROM requests WHERE client_id = ?::uuid", client.id()) == 0);
    }
  }
}
