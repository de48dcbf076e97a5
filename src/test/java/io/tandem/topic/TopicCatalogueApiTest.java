package io.tandem.topic;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestClient.Session;
import io.tandem.testing.TestConfig;
import io.tandem.testing.TestSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 22: topics come from a catalogue operators keep (names in English and Chinese, prices by
 * mode); experts offer and clients ask for its topics, and a topic it does not list is answered at
 * once with the closest it does.
 */
class TopicCatalogueApiTest {
  private static final String ADMIN = "catalogue-admin";
  private static final String PASSWORD = "catalogue-password";
  private static RunningNode node;
  private static String admin;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.with(Map.of("topics.listedOnly", "true", "auth.admins", TestConfig.admin(ADMIN, PASSWORD),
        "matching.sweepIntervalMs", "200")));
    admin = node.http().logIn(ADMIN, PASSWORD);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static Optional<JsonObject> listed(JsonObject list, String topic) {
    return list.getJsonArray("topics").stream().map(JsonObject.class::cast).filter(t -> topic.equals(t.getString("topic"))).findFirst();
  }

  private static JsonObject topicBody(String en, String zh) {
    return new JsonObject().put("names", new JsonObject().put("en", en).put("zh-CN", zh)).put("reason", "a new field of advice");
  }

  @Test
  @DisplayName("the catalogue for pickers: every listed topic, named in the reader's language and in both, with experts and who is online")
  void publicList() {
    JsonObject english = node.http().get("/api/v1/topics").json();
    assertThat(english.getBoolean("listedOnly")).isTrue();
    JsonObject interview = listed(english, "career.interview").orElseThrow();
    assertThat(interview.getString("name")).isEqualTo("Job interviews");
    assertThat(interview.getString("parent")).isEqualTo("career");
    assertThat(interview.getJsonObject("names").getString("zh-CN")).isEqualTo("求职面试");
    assertThat(interview.getBoolean("listed")).isTrue();
    JsonObject chinese = node.http().get("/api/v1/topics", null, Map.of("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5")).json();
    assertThat(listed(chinese, "legal.labour").orElseThrow().getString("name")).isEqualTo("劳动法");
    JsonArray closest = node.http().get("/api/v1/topics?near=%E5%8A%B3%E5%8A%A8%E4%BB%B2%E8%A3%81").json().getJsonArray("closest");
    assertThat(closest.getJsonObject(0).getString("topic")).as("劳动仲裁 (labour arbitration): what a picker's search found nothing for").isEqualTo("legal.labour");
    assertThat(node.http().get("/api/v1/topics?near=").status()).isEqualTo(400);

    try (Person expert = Actors.expert(node, "health.nutrition")) {
      JsonObject nutrition = listed(node.http().get("/api/v1/topics").json(), "health.nutrition").orElseThrow();
      assertThat(nutrition.getLong("online")).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  @DisplayName("a topic the catalogue does not list is refused at once, with the closest it does: a request, a quote, the directory, a profile, going online")
  void unlistedRefusedWithSuggestions() {
    try (Person client = Actors.client(node)) {
      Response asked = node.http().post("/api/v1/requests", new JsonObject().put("topic", "career.interviews").put("mode", "chat"),
          client.session().accessToken());
      assertThat(asked.status()).isEqualTo(400);
      JsonObject error = asked.json().getJsonObject("error");
      assertThat(error.getString("reason")).isEqualTo("unknown_topic");
      assertThat(error.getString("message")).contains("career.interviews").contains("career.interview");
      JsonArray suggestions = error.getJsonArray("suggestions");
      assertThat(suggestions.getJsonObject(0).getString("topic")).isEqualTo("career.interview");
      assertThat(suggestions.getJsonObject(0).getJsonObject("names").getString("zh-CN")).isEqualTo("求职面试");
      JsonObject overSocket = client.socket().call("request.create", new JsonObject().put("topic", "pets.dogs").put("mode", "chat"));
      assertThat(overSocket.getString("code")).isEqualTo("bad_request");
      assertThat(overSocket.getJsonArray("suggestions")).isNotEmpty();
    }
    assertThat(node.http().get("/api/v1/quotes?topic=pets&mode=chat").status()).isEqualTo(400);
    Response browsed = node.http().get("/api/v1/experts?topic=career.interviews");
    assertThat(browsed.status()).isEqualTo(400);
    assertThat(browsed.json().getJsonObject("error").getJsonArray("suggestions").getJsonObject(0).getString("topic")).isEqualTo("career.interview");

    Session expert = node.http().signUp("expert");
    JsonObject profile = new JsonObject().put("topics", new JsonArray().add("career.interview").add("taxes")).put("modes", new JsonArray().add("chat"));
    Response refused = node.http().put("/api/v1/experts/me", profile, expert.accessToken());
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().getJsonObject("error").getJsonArray("suggestions").getJsonObject(0).getString("topic")).startsWith("tax");
    assertThat(node.http().put("/api/v1/experts/me", profile.put("topics", new JsonArray().add("career.interview")), expert.accessToken())
        .status()).isEqualTo(200);
    try (TestSocket socket = TestSocket.connect(node.node().httpPort(), expert.accessToken())) {
      JsonObject online = socket.call("presence.online", new JsonObject().put("topics", new JsonArray().add("astrology")));
      assertThat(online.getString("code")).isEqualTo("bad_request");
      assertThat(socket.ack("presence.online", new JsonObject()).getString("status")).isEqualTo("online");
    }
  }

  @Test
  @DisplayName("operators add a topic with its names and prices; it is offered and priced at once, on every node; retired, nobody new asks for it")
  void operatorsKeepTheCatalogue() {
    String root = Actors.uniqueTopic();
    String child = root + ".first";
    // Another node on the same database, not clustered with this one: it learns of the change by its sweeper.
    try (RunningNode other = RunningNode.start(TestConfig.with(Map.of("topics.listedOnly", "true", "matching.sweepIntervalMs", "200")))) {
      assertThat(node.http().put("/api/v1/admin/topics/" + child, topicBody("First steps", "入门"), admin).status())
          .as("a child needs its parent listed first").isEqualTo(409);
      Response created = node.http().put("/api/v1/admin/topics/" + root, topicBody("Pet care", "宠物护理").put("price", 1200), admin);
      assertThat(created.status()).isEqualTo(200);
      assertThat(created.json().getString("id")).isNotBlank();
      assertThat(created.json().getLong("price")).isEqualTo(1200);
      Response childCreated = node.http().put("/api/v1/admin/topics/" + child,
          topicBody("First steps", "入门").put("price", new JsonObject().put("video", 1800)), admin);
      assertThat(childCreated.json().getString("parent")).isEqualTo(root);

      assertThat(node.http().get("/api/v1/quotes?topic=" + child + "&mode=video").json().getLong("amount")).isEqualTo(1800);
      assertThat(node.http().get("/api/v1/quotes?topic=" + child + "&mode=chat").json().getLong("amount")).as("its parent's").isEqualTo(1200);
      Poll.until("the other node lists it", Duration.ofSeconds(5),
          () -> listed(other.http().get("/api/v1/topics").json(), child).map(t -> t.getString("name").equals("First steps")).orElse(false));
      assertThat(other.http().get("/api/v1/quotes?topic=" + child + "&mode=video").json().getLong("amount")).isEqualTo(1800);
    }

    JsonArray audit = node.http().get("/api/v1/admin/audit?limit=5", admin).json().getJsonArray("actions");
    assertThat(audit.getJsonObject(0).getString("action")).isEqualTo("topic.create");
    assertThat(audit.getJsonObject(0).getJsonObject("subject").getString("type")).isEqualTo("topic");

    node.http().put("/api/v1/admin/topics/" + child, topicBody("First steps", "入门").put("retired", true), admin);
    try (Person client = Actors.client(node)) {
      Response asked = node.http().post("/api/v1/requests", new JsonObject().put("topic", child).put("mode", "chat"), client.session().accessToken());
      assertThat(asked.status()).as("retired").isEqualTo(400);
    }
    JsonObject forOperators = node.http().get("/api/v1/admin/topics", admin).json();
    assertThat(listed(forOperators, child).orElseThrow().getBoolean("retired")).isTrue();
    assertThat(listed(node.http().get("/api/v1/topics").json(), child)).as("not for pickers").isEmpty();

    Session client = node.http().signUp("client");
    assertThat(node.http().put("/api/v1/admin/topics/" + root, topicBody("x", "x"), client.accessToken()).status()).isEqualTo(403);
    assertThat(node.http().put("/api/v1/admin/topics/Not%20A%20Topic", topicBody("x", "x"), admin).status()).isEqualTo(400);
    assertThat(node.http().put("/api/v1/admin/topics/" + root, new JsonObject().put("names", new JsonObject().put("en", "Only English"))
        .put("reason", "x"), admin).status()).as("named in both languages").isEqualTo(400);
    assertThat(node.http().put("/api/v1/admin/topics/" + root, topicBody("Pet care", "宠物护理").put("price", new JsonObject().put("phone", 5)),
        admin).status()).isEqualTo(400);
  }
}
