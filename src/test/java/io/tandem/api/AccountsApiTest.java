package io.tandem.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Jwts;
import io.tandem.testing.RunningNode;
import io.tandem.testing.TestClient;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestClient.Session;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AccountsApiTest {
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

  private static String uniqueName() {
    return "user-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonObject registration(String username) {
    return new JsonObject().put("username", username).put("password", "s3cret-enough").put("role", "client").put("displayName", "Ada");
  }

  @Test
  @DisplayName("a new user registers and gets their public account back with 201")
  void register() {
    String name = uniqueName();
    Response created = http.post("/api/v1/accounts", registration(name));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().getString("username")).isEqualTo(name);
    assertThat(created.json().getString("role")).isEqualTo("client");
    assertThat(created.json().getString("displayName")).isEqualTo("Ada");
    assertThat(UUID.fromString(created.json().getString("id"))).isNotNull();
    assertThat(created.text()).doesNotContain("password");
  }

  @Test
  @DisplayName("a taken username, in any letter case, is 409 conflict")
  void duplicateUsername() {
    String name = uniqueName();
    assertThat(http.post("/api/v1/accounts", registration(name)).status()).isEqualTo(201);
    Response again = http.post("/api/v1/accounts", registration(name.toUpperCase()));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("conflict");
  }

  @Test
  @DisplayName("registration names the field that is missing, malformed or oversized, with 400")
  void registrationValidation() {
    Response missing = http.post("/api/v1/accounts", registration(uniqueName()).put("password", (String) null));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.errorCode()).isEqualTo("bad_request");
    assertThat(missing.errorMessage()).contains("password");

    Response shortPassword = http.post("/api/v1/accounts", registration(uniqueName()).put("password", "short"));
    assertThat(shortPassword.errorMessage()).contains("password").contains("at least 8");

    Response role = http.post("/api/v1/accounts", registration(uniqueName()).put("role", "admin"));
    assertThat(role.status()).isEqualTo(400);
    assertThat(role.errorMessage()).contains("role");

    Response longName = http.post("/api/v1/accounts", registration(uniqueName()).put("displayName", "x".repeat(65)));
    assertThat(longName.errorMessage()).contains("displayName").contains("at most 64");

    Response badUsername = http.post("/api/v1/accounts", registration("has space"));
    assertThat(badUsername.errorMessage()).contains("username");

    Response wrongType = http.post("/api/v1/accounts", registration(uniqueName()).put("displayName", 42));
    assertThat(wrongType.errorMessage()).contains("displayName").contains("string");
  }

  @Test
  @DisplayName("a body that is not a JSON object is 400, and one over the size limit is 413")
  void malformedAndOversizedBodies() {
    Response notJson = http.post("/api/v1/accounts", "{\"username\": ");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.errorCode()).isEqualTo("bad_request");
    assertThat(notJson.errorMessage()).contains("JSON");

    assertThat(http.post("/api/v1/accounts", "[1, 2]").errorMessage()).contains("JSON object");

    Response huge = http.post("/api/v1/accounts", registration(uniqueName()).put("displayName", "x".repeat(70_000)));
    assertThat(huge.status()).isEqualTo(413);
    assertThat(huge.errorCode()).isEqualTo("too_large");
  }

  @Test
  @DisplayName("log-in with the right password gives bearer tokens; a wrong password or unknown user is 401")
  void login() {
    String name = uniqueName();
    http.post("/api/v1/accounts", registration(name));

    Response ok = http.post("/api/v1/tokens", new JsonObject().put("username", name).put("password", "s3cret-enough"));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().getString("tokenType")).isEqualTo("Bearer");
    assertThat(ok.json().getString("accessToken")).isNotBlank();
    assertThat(ok.json().getString("refreshToken")).isNotBlank();
    assertThat(ok.json().getInteger("expiresIn")).isEqualTo(900);

    Response wrong = http.post("/api/v1/tokens", new JsonObject().put("username", name).put("password", "not-the-password"));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.errorCode()).isEqualTo("unauthorized");

    Response unknown = http.post("/api/v1/tokens", new JsonObject().put("username", uniqueName()).put("password", "whatever1"));
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.errorMessage()).isEqualTo(wrong.errorMessage());
  }

  @Test
  @DisplayName("a refresh token works once: it yields new tokens and stops working")
  void refreshRotates() {
    Session session = http.signUp("client");
    Response refreshed = http.post("/api/v1/tokens/refresh", new JsonObject().put("refreshToken", session.refreshToken()));
    assertThat(refreshed.status()).isEqualTo(200);
    String next = refreshed.json().getString("refreshToken");
    assertThat(next).isNotEqualTo(session.refreshToken());
    assertThat(http.get("/api/v1/me", refreshed.json().getString("accessToken")).status()).isEqualTo(200);

    Response reused = http.post("/api/v1/tokens/refresh", new JsonObject().put("refreshToken", session.refreshToken()));
    assertThat(reused.status()).isEqualTo(401);
  }

  @Test
  @DisplayName("replaying a spent refresh token revokes the tokens issued after it")
  void replayRevokesFamily() {
    Session session = http.signUp("client");
    String next = http.post("/api/v1/tokens/refresh", new JsonObject().put("refreshToken", session.refreshToken()))
        .json().getString("refreshToken");
    assertThat(http.post("/api/v1/tokens/refresh", new JsonObject().put("refreshToken", session.refreshToken())).status()).isEqualTo(401);
    assertThat(http.post("/api/v1/tokens/refresh", new JsonObject().put("refreshToken", next)).status()).isEqualTo(401);
  }

  @Test
  @DisplayName("an unknown or malformed refresh token is 401")
  void unknownRefreshToken() {
    assertThat(http.post("/api/v1/tokens/refresh", new JsonObject().put("refreshToken", "A".repeat(43))).status()).isEqualTo(401);
    assertThat(http.post("/api/v1/tokens/refresh", new JsonObject().put("refreshToken", "not a token")).status()).isEqualTo(401);
  }

  @Test
  @DisplayName("me answers the caller's account with a balance")
  void me() {
    Session session = http.signUp("expert");
    Response me = http.get("/api/v1/me", session.accessToken());
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().getString("id")).isEqualTo(session.userId());
    assertThat(me.json().getString("username")).isEqualTo(session.username());
    assertThat(me.json().getString("role")).isEqualTo("expert");
    assertThat(me.json().getValue("balance")).isInstanceOf(Number.class);
  }

  @Test
  @DisplayName("me without a token, or with a forged, expired, unsigned or foreign-audience token, is 401")
  void meRefusesBadTokens() {
    Session session = http.signUp("client");
    assertThat(http.get("/api/v1/me").status()).isEqualTo(401);
    assertThat(http.get("/api/v1/me", "not.a.jwt").status()).isEqualTo(401);

    String valid = Jwts.hs256(Jwts.testKey(), Jwts.claims(session.userId(), "client", 600));
    assertThat(http.get("/api/v1/me", valid).status()).as("the hand-made token is otherwise right").isEqualTo(200);

    byte[] otherKey = new byte[32];
    String forged = Jwts.hs256(otherKey, Jwts.claims(session.userId(), "client", 600));
    String expired = Jwts.hs256(Jwts.testKey(), Jwts.claims(session.userId(), "client", -600));
    String unsigned = Jwts.unsigned(Jwts.claims(session.userId(), "client", 600));
    String foreignAudience = Jwts.hs256(Jwts.testKey(), Jwts.claims(session.userId(), "client", 600).put("aud", "someone-else"));
    String foreignIssuer = Jwts.hs256(Jwts.testKey(), Jwts.claims(session.userId(), "client", 600).put("iss", "someone-else"));
    for (String token : new String[] {forged, expired, unsigned, foreignAudience, foreignIssuer}) {
      Response refused = http.get("/api/v1/me", token);
      assertThat(refused.status()).as(token).isEqualTo(401);
      assertThat(refused.errorCode()).isEqualTo("unauthorized");
    }
  }

  @Test
  @DisplayName("unknown paths are 404 and errors never carry stack traces or SQL")
  void unknownPath() {
    Response missing = http.get("/api/v1/nothing-here");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.errorCode()).isEqualTo("not_found");
    assertThat(missing.text()).doesNotContain("Exception").doesNotContain("SELECT");
  }
}
