package io.tandem.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors.Pair;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.Actors;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestClient.Session;
import io.tandem.testing.TestClient;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The public expert directory, reviews on profiles, an expert's report and an operator's hiding of one. */
class ExpertDirectoryApiTest {
  private static final String ADMIN = "directory-admin";
  private static final String ADMIN_PASSWORD = "directory-password-123";
  private static RunningNode node;
  private static TestClient http;
  private static String admin;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.with(Map.of("auth.admins", TestConfig.admin(ADMIN, ADMIN_PASSWORD))));
    http = node.http();
    admin = http.logIn(ADMIN, ADMIN_PASSWORD);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static List<String> ids(Response page) {
    assertThat(page.status()).as(page.text()).isEqualTo(200);
    return page.json().getJsonArray("experts").stream().map(e -> ((JsonObject) e).getString("id")).toList();
  }

  @Test
  @DisplayName("GET /api/v1/experts lists a topic's experts without sign-in: its parents' and subtopics' too, online first, by rating; filters and pages")
  void browse() {
    String topic = Actors.uniqueTopic();
    try (Person rated = Actors.expert(node, topic, Actors.SHANGHAI_LAT, Actors.SHANGHAI_LNG, 1, "video");
        Person specialist = Actors.expert(node, topic + ".interview", Actors.SHANGHAI_LAT, Actors.SHANGHAI_LNG, 1, "chat");
        Person elsewhere = Actors.expert(node, Actors.uniqueTopic());
        Person client = Actors.client(node)) {
      Actors.consultedAndRated(http, Actors.matched(client, rated, topic), 5, "Clear and kind");
      specialist.socket().ack("presence.offline", new JsonObject());

      assertThat(ids(http.get("/api/v1/experts?topic=" + topic))).as("online first, then the offline specialist; other topics left out")
          .containsExactly(rated.id(), specialist.id());
      assertThat(ids(http.get("/api/v1/experts?topic=" + topic + ".interview"))).as("the parent topic's expert serves the subtopic")
          .containsExactly(rated.id(), specialist.id());
      assertThat(ids(http.get("/api/v1/experts?topic=" + topic + "&online=true"))).containsExactly(rated.id());
      assertThat(ids(http.get("/api/v1/experts?topic=" + topic + "&mode=chat"))).containsExactly(specialist.id());
      assertThat(ids(http.get("/api/v1/experts?topic=" + Actors.uniqueTopic()))).as("a topic nobody offers").isEmpty();

      Response first = http.get("/api/v1/experts?topic=" + topic + "&pageSize=1");
      assertThat(ids(first)).containsExactly(rated.id());
      assertThat(first.json().getBoolean("more")).isTrue();
      Response second = http.get("/api/v1/experts?topic=" + topic + "&pageSize=1&page=2");
      assertThat(ids(second)).containsExactly(specialist.id());
      assertThat(second.json().getBoolean("more")).isFalse();
      assertThat(second.json().getInteger("page")).isEqualTo(2);

      JsonObject card = first.json().getJsonArray("experts").getJsonObject(0);
      assertThat(card.getString("displayName")).isEqualTo("Test expert");
      assertThat(card.getJsonObject("rating").getInteger("count")).as("the expert's rating; never the client's").isEqualTo(1);
      assertThat(card.getJsonObject("rating").getDouble("average")).as("(4.0 x 5 + 5) / 6").isEqualTo(4.17);
      assertThat(card.getLong("reviews")).isEqualTo(1);
      assertThat(card.getString("badge")).as("fewer ratings than ratings.newBelowRatings (3)").isEqualTo("new");
      assertThat(card.getBoolean("online")).isTrue();
      assertThat(card.getJsonObject("prices").getJsonObject(topic).getLong("video")).as("the default price").isEqualTo(2000);
      assertThat(card.getString("currency")).isEqualTo("CNY");
      assertThat(card.containsKey("location")).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "?topic=", "?topic=Not%20A%20Topic", "?topic=career&mode=fax", "?topic=career&online=yes",
      "?topic=career&page=0", "?topic=career&page=x", "?topic=career&pageSize=51", "?topic=career&pageSize=0"})
  @DisplayName("GET /api/v1/experts answers bad_request to a missing or malformed topic, mode, online, page or pageSize")
  void badQueries(String query) {
    Response answer = http.get("/api/v1/experts" + query);
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.errorCode()).isEqualTo("bad_request");
  }

  @Test
  @DisplayName("a profile shows its newest written reviews; the expert reports one; an operator hides it (audited once) and shows it again")
  void reviewsReportedAndHidden() {
    String topic = Actors.uniqueTopic();
    try (Person expert = Actors.expert(node, topic); Person client = Actors.client(node)) {
      Pair pair = Actors.matched(client, expert, topic);
      Actors.consultedAndRated(http, pair, 4, "Helpful, a bit rushed");
      String review = pair.sessionId();

      JsonObject profile = http.get("/api/v1/experts/" + expert.id()).json();
      JsonArray recent = profile.getJsonArray("recentReviews");
      assertThat(recent).hasSize(1);
      assertThat(recent.getJsonObject(0).getString("id")).isEqualTo(review);
      assertThat(recent.getJsonObject(0).getString("comment")).isEqualTo("Helpful, a bit rushed");
      assertThat(recent.getJsonObject(0).getString("topic")).isEqualTo(topic);
      assertThat(recent.getJsonObject(0).containsKey("raterId")).as("reviewers are not named").isFalse();
      assertThat(http.get("/api/v1/experts/" + client.id()).status()).as("what experts write of clients is never public").isEqualTo(404);

      String report = "/api/v1/experts/me/reviews/" + review + "/report";
      JsonObject why = new JsonObject().put("reason", "the session was cut short by the client");
      assertThat(http.post(report, why, client.session().accessToken()).status()).isEqualTo(403);
      Session stranger = http.signUp("expert");
      assertThat(http.post(report, why, stranger.accessToken()).status()).as("not a review of them").isEqualTo(404);
      assertThat(http.post(report, new JsonObject(), expert.session().accessToken()).status()).isEqualTo(400);
      Response reported = http.post(report, why, expert.session().accessToken());
      assertThat(reported.status()).isEqualTo(200);
      assertThat(reported.json().getString("reportedAt")).isNotNull();
      assertThat(http.post(report, new JsonObject().put("reason", "again"), expert.session().accessToken()).json().getString("reportReason"))
          .as("the first report stands").isEqualTo(why.getString("reason"));

      JsonArray queue = http.get("/api/v1/admin/reviews", admin).json().getJsonArray("reviews");
      assertThat(queue.stream().map(r -> ((JsonObject) r).getString("id"))).contains(review);
      assertThat(http.get("/api/v1/admin/reviews", expert.session().accessToken()).status()).isEqualTo(403);

      String hide = "/api/v1/admin/reviews/" + review + "/hide";
      JsonObject reason = new JsonObject().put("reason", "personal remarks");
      assertThat(http.post(hide, reason, admin).json().getBoolean("hidden")).isTrue();
      assertThat(http.post(hide, reason, admin).status()).as("hiding again changes nothing").isEqualTo(200);
      assertThat(Sql.count("SELECT count(*) FROM audit_log WHERE action = 'review.hide' AND subject_id = ?::uuid", review)).isEqualTo(1);
      JsonObject hidden = http.get("/api/v1/experts/" + expert.id()).json();
      assertThat(hidden.getJsonArray("recentReviews")).isEmpty();
      assertThat(hidden.getLong("reviews")).isZero();
      assertThat(hidden.getJsonObject("rating").getInteger("count")).as("the stars still count").isEqualTo(1);
      assertThat(http.get("/api/v1/admin/reviews", admin).json().getJsonArray("reviews").stream()
          .map(r -> ((JsonObject) r).getString("id"))).as("handled: out of the queue").doesNotContain(review);

      assertThat(http.post("/api/v1/admin/reviews/" + review + "/show", reason, admin).json().getBoolean("hidden")).isFalse();
      assertThat(http.post(report, why, expert.session().accessToken()).json().getBoolean("reportSettled"))
          .as("a report after an operator settled the first changes nothing").isTrue();
      assertThat(http.get("/api/v1/experts/" + expert.id()).json().getJsonArray("recentReviews")).hasSize(1);
      assertThat(http.post("/api/v1/admin/reviews/" + java.util.UUID.randomUUID() + "/hide", reason, admin).status()).isEqualTo(404);
      assertThat(http.post("/api/v1/admin/reviews/not-an-id/hide", reason, admin).status()).isEqualTo(404);
      assertThat(http.post(hide, new JsonObject(), admin).status()).as("a reason is required").isEqualTo(400);
    }
  }

  @Test
  @DisplayName("an operator keeps a reported review (shows it): it stays public and leaves the queue, recorded once")
  void reportedReviewKept() {
    String topic = Actors.uniqueTopic();
    try (Person expert = Actors.expert(node, topic); Person client = Actors.client(node)) {
      Pair pair = Actors.matched(client, expert, topic);
      Actors.consultedAndRated(http, pair, 2, "Late and unprepared");
      String review = pair.sessionId();
      http.post("/api/v1/experts/me/reviews/" + review + "/report", new JsonObject().put("reason", "unfair"), expert.session().accessToken());
      JsonObject queued = http.get("/api/v1/admin/reviews", admin).json().getJsonArray("reviews").stream().map(JsonObject.class::cast)
          .filter(r -> review.equals(r.getString("id"))).findFirst().orElseThrow();
      assertThat(queued.getString("expertName")).isEqualTo("Test expert");
      assertThat(queued.getBoolean("reportSettled")).isFalse();

      JsonObject keep = new JsonObject().put("reason", "a fair account of the session");
      JsonObject kept = http.post("/api/v1/admin/reviews/" + review + "/show", keep, admin).json();
      assertThat(kept.getBoolean("hidden")).isFalse();
      assertThat(kept.getBoolean("reportSettled")).isTrue();
      http.post("/api/v1/admin/reviews/" + review + "/show", keep, admin);
      assertThat(Sql.count("SELECT count(*) FROM audit_log WHERE action = 'review.show' AND subject_id = ?::uuid", review)).isEqualTo(1);
      assertThat(http.get("/api/v1/admin/reviews", admin).json().getJsonArray("reviews").stream()
          .map(r -> ((JsonObject) r).getString("id"))).doesNotContain(review);
      assertThat(http.get("/api/v1/experts/" + expert.id()).json().getJsonArray("recentReviews")).hasSize(1);
    }
  }
}
