package io.tandem.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.RunningNode;
import io.tandem.testing.TestClient;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestClient.Session;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpertProfileApiTest {
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

  private static JsonObject profile() {
    return new JsonObject()
        .put("topics", new JsonArray().add("career").add("career.interview"))
        .put("modes", new JsonArray().add("chat").add("in_person"))
        .put("location", new JsonObject().put("lat", 31.23).put("lng", 121.47))
        .put("capacity", 2)
        .put("bio", "Ten years of hiring engineers.")
        .put("languages", new JsonArray().add("en").add("zh-Hans"));
  }

  @Test
  @DisplayName("an expert saves a profile and the public view shows it with rating and reliability")
  void saveAndView() {
    Session expert = http.signUp("expert");
    Response saved = http.put("/api/v1/experts/me", profile(), expert.accessToken());
    assertThat(saved.status()).isEqualTo(200);
    assertThat(saved.json().getJsonArray("topics")).containsExactly("career", "career.interview");
    assertThat(saved.json().getInteger("capacity")).isEqualTo(2);
    assertThat(saved.json().getJsonObject("location").getDouble("lat")).isEqualTo(31.23);

    Session someone = http.signUp("client");
    Response view = http.get("/api/v1/experts/" + expert.userId(), someone.accessToken());
    assertThat(view.status()).isEqualTo(200);
    JsonObject json = view.json();
    assertThat(json.getString("id")).isEqualTo(expert.userId());
    assertThat(json.getString("displayName")).isEqualTo("Test expert");
    assertThat(json.getJsonArray("modes")).containsExactly("chat", "in_person");
    assertThat(json.getString("bio")).isEqualTo("Ten years of hiring engineers.");
    assertThat(json.getJsonArray("languages")).containsExactly("en", "zh-Hans");
    assertThat(json.getJsonObject("rating").getInteger("count")).isZero();
    assertThat(json.getJsonObject("reliability").getDouble("score")).isEqualTo(1.0);
    assertThat(json.containsKey("location")).as("an expert's position is not public").isFalse();
  }

  @Test
  @DisplayName("an expert reads their own whole profile (location and capacity included); 404 before the first save, 403 for a client")
  void ownProfile() {
    Session expert = http.signUp("expert");
    Response none = http.get("/api/v1/experts/me", expert.accessToken());
    assertThat(none.status()).isEqualTo(404);
    assertThat(none.json().getJsonObject("error").getString("message")).contains("PUT /api/v1/experts/me");
    http.put("/api/v1/experts/me", profile(), expert.accessToken());
    JsonObject own = http.get("/api/v1/experts/me", expert.accessToken()).json();
    assertThat(own.getString("id")).isEqualTo(expert.userId());
    assertThat(own.getJsonObject("location").getDouble("lng")).isEqualTo(121.47);
    assertThat(own.getInteger("capacity")).isEqualTo(2);
    assertThat(own.getJsonArray("topics")).containsExactly("career", "career.interview");
    assertThat(own.getJsonObject("rating").getInteger("count")).isZero();
    assertThat(own.getJsonObject("reliability").getDouble("score")).isEqualTo(1.0);
    assertThat(http.get("/api/v1/experts/me", http.signUp("client").accessToken()).status()).isEqualTo(403);
  }

  @Test
  @DisplayName("saving again replaces the profile")
  void replace() {
    Session expert = http.signUp("expert");
    http.put("/api/v1/experts/me", profile(), expert.accessToken());
    http.put("/api/v1/experts/me", profile().put("topics", new JsonArray().add("legal.labour")), expert.accessToken());
    Response view = http.get("/api/v1/experts/" + expert.userId(), expert.accessToken());
    assertThat(view.json().getJsonArray("topics")).containsExactly("legal.labour");
  }

  @Test
  @DisplayName("a client has no expert profile: 403")
  void clientsAreForbidden() {
    Session client = http.signUp("client");
    Response refused = http.put("/api/v1/experts/me", profile(), client.accessToken());
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.errorCode()).isEqualTo("forbidden");
  }

  @ParameterizedTest(name = "{0} = {1} is refused")
  @CsvSource(delimiter = '|', value = {
      "topics     | [\"Career\"]",
      "topics     | [\"career..interview\"]",
      "topics     | [\"1career\"]",
      "topics     | [\"career interview\"]",
      "topics     | []",
      "topics     | \"career\"",
      "modes      | [\"phone\"]",
      "modes      | []",
      "location   | {\"lat\": 90.5, \"lng\": 121.47}",
      "location   | {\"lat\": 31.2, \"lng\": -180.01}",
      "location   | {\"lat\": \"31.2\", \"lng\": 121.47}",
      "location   | {\"lng\": 121.47}",
      "capacity   | 0",
      "capacity   | 11",
      "capacity   | 1.5",
      "languages  | [\"english language\"]",
  })
  @DisplayName("profile validation")
  void validation(String field, String value) {
    Session expert = http.signUp("expert");
    JsonObject body = profile();
    body.put(field, new JsonObject("{\"v\": " + value + "}").getValue("v"));
    Response refused = http.put("/api/v1/experts/me", body, expert.accessToken());
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorCode()).isEqualTo("bad_request");
    assertThat(refused.errorMessage()).contains(field);
  }

  @Test
  @DisplayName("an oversized bio is refused, naming the field")
  void oversizedBio() {
    Session expert = http.signUp("expert");
    Response refused = http.put("/api/v1/experts/me", profile().put("bio", "b".repeat(2001)), expert.accessToken());
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorMessage()).contains("bio").contains("2000");
  }

  @Test
  @DisplayName("an unknown expert, a client's id or a malformed id is 404")
  void unknownExpert() {
    Session client = http.signUp("client");
    assertThat(http.get("/api/v1/experts/" + UUID.randomUUID(), client.accessToken()).status()).isEqualTo(404);
    assertThat(http.get("/api/v1/experts/" + client.userId(), client.accessToken()).status()).isEqualTo(404);
    assertThat(http.get("/api/v1/experts/not-a-uuid", client.accessToken()).errorCode()).isEqualTo("not_found");
  }
}
