package io.tandem.matching;

import static io.tandem.testing.Actors.SHANGHAI_LAT;
import static io.tandem.testing.Actors.SHANGHAI_LNG;
import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors.Person;
import io.tandem.testing.Actors;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 on a real node: a waiting client is told why nothing moves, with no made-up ETA; parent
 * topics are asked at once when nobody more specific could take the request; an in-person request
 * falls back to video when nobody is near; an expert going offline withdraws their offers without
 * a penalty, and an offer missed while away costs nothing; an expert can read how they are judged.
 */
class HonestWaitTest {
  private static final double BEIJING_LAT = 39.9042;
  private static final double BEIJING_LNG = 116.4074;
  private static RunningNode node;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.with(Map.of(
        "matching.offerTimeoutSeconds", "3",
        "matching.parentTopicAfterSeconds", "60",
        "session.reconnectGraceSeconds", "30")));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonObject inPerson(String topic, double maxKm) {
    return Actors.request(topic, "in_person").put("maxDistanceKm", maxKm);
  }

  @Test
  @DisplayName("nobody online for the topic: no ETA and reason no_expert_online, in the ack, in GET, and until an expert comes")
  void noExpertOnline() {
    String topic = Actors.uniqueTopic();
    try (Person client = Actors.client(node)) {
      JsonObject created = client.socket().ack("request.create", Actors.request(topic, "chat"));
      assertThat(created.containsKey("etaSeconds")).isTrue();
      assertThat(created.getValue("etaSeconds")).isNull();
      assertThat(created.getString("reason")).isEqualTo("no_expert_online");
      JsonObject read = node.http().get("/api/v1/requests/" + created.getString("requestId"), client.session().accessToken()).json();
      assertThat(read.getString("reason")).isEqualTo("no_expert_online");
      assertThat(read.getValue("etaSeconds")).isNull();

      try (Person expert = Actors.expert(node, topic)) {
        assertThat(expert.socket().awaitEvent("offer").getString("requestId")).isEqualTo(created.getString("requestId"));
        JsonObject offered = client.socket().awaitEvent("request.status", s -> "offered".equals(s.getString("status")));
        assertThat(offered.containsKey("reason")).as("a request on someone's screen is moving").isFalse();
      }
    }
  }

  @Test
  @DisplayName("in person 1,000 km from the only expert: none_in_range; with fallbackMode video it switches, is told, and is offered")
  void inPersonOutOfRange() {
    String topic = Actors.uniqueTopic();
    try (Person farExpert = Actors.expert(node, topic, BEIJING_LAT, BEIJING_LNG, 2, "in_person", "video");
         Person client = Actors.client(node);
         Person flexible = Actors.client(node)) {
      JsonObject stuck = client.socket().ack("request.create", inPerson(topic, 20));
      assertThat(stuck.getString("reason")).isEqualTo("none_in_range");
      assertThat(stuck.getValue("etaSeconds")).isNull();

      String fallingBack = flexible.socket().ack("request.create", inPerson(topic, 20).put("fallbackMode", "video")).getString("requestId");
      JsonObject told = flexible.socket().awaitEvent("request.status", s -> fallingBack.equals(s.getString("requestId")) && s.containsKey("mode"));
      assertThat(told.getString("mode")).isEqualTo("video");
      assertThat(told.getJsonObject("price").getLong("amount")).as("the video price, lower than in person's here? the same default").isEqualTo(2000);
      JsonObject offer = farExpert.socket().awaitEvent("offer", o -> fallingBack.equals(o.getString("requestId")));
      assertThat(offer.getString("mode")).isEqualTo("video");
      assertThat(Sql.string("SELECT mode FROM requests WHERE id = ?::uuid", fallingBack)).isEqualTo("video");
      assertThat(Sql.string("SELECT mode FROM requests WHERE id = ?::uuid", stuck.getString("requestId")))
          .as("without a fallback the request stays in person").isEqualTo("in_person");
    }
  }

  @Test
  @DisplayName("a fallbackMode is refused on an online request, and one that is not a mode of the other kind")
  void fallbackModeValidated() {
    try (Person client = Actors.client(node)) {
      JsonObject online = client.socket().call("request.create", Actors.request(Actors.uniqueTopic(), "chat").put("fallbackMode", "video"));
      assertThat(online.getString("code")).isEqualTo("bad_request");
      assertThat(online.getString("message")).contains("fallbackMode");
      JsonObject inPersonAgain = client.socket().call("request.create", inPerson(Actors.uniqueTopic(), 5).put("fallbackMode", "in_person"));
      assertThat(inPersonAgain.getString("code")).isEqualTo("bad_request");
    }
  }

  @Test
  @DisplayName("with only a parent-topic expert online, the parent is asked at once, not after parentTopicAfterSeconds (60 s here)")
  void parentTopicAtOnce() {
    String parent = Actors.uniqueTopic();
    try (Person generalist = Actors.expert(node, parent);
         Person client = Actors.client(node)) {
      long started = System.nanoTime();
      String requestId = client.socket().ack("request.create", Actors.request(parent + ".salary", "chat")).getString("requestId");
      assertThat(generalist.socket().awaitEvent("offer").getString("requestId")).isEqualTo(requestId);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  @DisplayName("after the only expert declines, the client is pushed queued with declined_by_all and no ETA")
  void declinedByAll() {
    String topic = Actors.uniqueTopic();
    try (Person expert = Actors.expert(node, topic);
         Person client = Actors.client(node)) {
      String requestId = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      String offerId = expert.socket().awaitEvent("offer").getString("offerId");
      client.socket().awaitEvent("request.status", s -> "offered".equals(s.getString("status")));
      expert.socket().ack("offer.decline", new JsonObject().put("offerId", offerId));
      JsonObject queued = client.socket().awaitEvent("request.status", s -> "queued".equals(s.getString("status")));
      assertThat(queued.getString("requestId")).isEqualTo(requestId);
      assertThat(queued.getString("reason")).isEqualTo("declined_by_all");
      assertThat(queued.getValue("etaSeconds")).isNull();
    }
  }

  @Test
  @DisplayName("going offline with an offer on screen revokes it (expert_offline) at once, without a penalty; the request moves on")
  void offlineRevokes() {
    String topic = Actors.uniqueTopic();
    try (Person first = Actors.expert(node, topic, SHANGHAI_LAT + 0.001, SHANGHAI_LNG, 1);
         Person client = Actors.client(node)) {
      String requestId = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      String offerId = first.socket().awaitEvent("offer").getString("offerId");
      try (Person second = Actors.expert(node, topic, SHANGHAI_LAT + 0.2, SHANGHAI_LNG, 1)) {
        long started = System.nanoTime();
        first.socket().ack("presence.offline", new JsonObject());
        JsonObject revoked = first.socket().awaitEvent("offer.revoked");
        assertThat(revoked.getString("offerId")).isEqualTo(offerId);
        assertThat(revoked.getString("reason")).isEqualTo("expert_offline");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("well before the 3 s offer timeout").isLessThan(Duration.ofSeconds(2));
        assertThat(second.socket().awaitEvent("offer").getString("requestId")).isEqualTo(requestId);
        assertThat(Sql.string("SELECT state FROM offers WHERE id = ?::uuid", offerId)).isEqualTo("revoked");
        assertThat(Sql.count("SELECT count(*) FROM penalties WHERE user_id = ?::uuid", first.id())).isZero();
      }
    }
  }

  @Test
  @DisplayName("an offer that times out while its expert is disconnected costs no penalty and is not counted against them")
  void missedWhileAway() {
    String topic = Actors.uniqueTopic();
    Person expert = Actors.expert(node, topic);
    try (Person client = Actors.client(node)) {
      client.socket().ack("request.create", Actors.request(topic, "chat"));
      String offerId = expert.socket().awaitEvent("offer").getString("offerId");
      expert.socket().close(); // the connection drops; the expert is in the reconnect grace (30 s) when the offer times out (3 s)
      Poll.until("the offer timed out", Duration.ofSeconds(10),
          () -> "timed_out".equals(Sql.string("SELECT state FROM offers WHERE id = ?::uuid", offerId)));
      assertThat(Sql.string("SELECT expert_away::text FROM offers WHERE id = ?::uuid", offerId)).isEqualTo("true");
      assertThat(Sql.count("SELECT count(*) FROM penalties WHERE user_id = ?::uuid", expert.id())).isZero();
      JsonObject stats = node.http().get("/api/v1/me/stats", expert.session().accessToken()).json();
      assertThat(stats.getJsonObject("offers").getLong("missedWhileAway")).isEqualTo(1);
      assertThat(stats.getJsonObject("offers").getLong("missed")).isZero();
      assertThat(stats.getValue("acceptanceRate")).as("nothing counted against them").isNull();
    } finally {
      expert.close();
    }
  }

  @Test
  @DisplayName("an expert reads what they did with their offers, their acceptance rate and the thresholds that apply")
  void stats() {
    String topic = Actors.uniqueTopic();
    try (Person expert = Actors.expert(node, topic, SHANGHAI_LAT, SHANGHAI_LNG, 2);
         Person client = Actors.client(node)) {
      client.socket().ack("request.create", Actors.request(topic, "chat"));
      expert.socket().ack("offer.decline", new JsonObject().put("offerId", expert.socket().awaitEvent("offer").getString("offerId")));
      try (Person second = Actors.client(node)) {
        second.socket().ack("request.create", Actors.request(topic, "chat"));
        String offerId = expert.socket().awaitEvent("offer", o -> true).getString("offerId");
        expert.socket().ack("offer.accept", new JsonObject().put("offerId", offerId));
      }
      JsonObject stats = node.http().get("/api/v1/me/stats", expert.session().accessToken()).json();
      assertThat(stats.getInteger("windowDays")).isEqualTo(30);
      JsonObject offers = stats.getJsonObject("offers");
      assertThat(offers.getLong("shown")).isEqualTo(2);
      assertThat(offers.getLong("accepted")).isEqualTo(1);
      assertThat(offers.getLong("declined")).isEqualTo(1);
      assertThat(stats.getDouble("acceptanceRate")).isEqualTo(0.5);
      assertThat(stats.getDouble("rankedAcceptance")).as("(1 + 3) / (2 + 3)").isEqualTo(0.8);
      JsonObject thresholds = stats.getJsonObject("thresholds");
      assertThat(thresholds.getInteger("missedInARowGoOffline")).isEqualTo(3);
      assertThat(thresholds.fieldNames()).contains("suspendAtPoints", "suspendHours", "acceptanceWeight", "offerTimeoutPoints");

      assertThat(node.http().get("/api/v1/me/stats", client.session().accessToken()).status())
          .as("clients have no offers").isEqualTo(403);
    }
  }
}
