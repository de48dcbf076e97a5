package io.tandem.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/** Real HTTP calls against a node, blocking, for tests that read like the curl session of a user. */
public final class TestClient {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String baseUrl;

  public TestClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public record Response(int status, String text, java.net.http.HttpHeaders headers) {
    /** The first value of a response header, or null. */
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    public JsonObject json() {
      return new JsonObject(text);
    }

    public String errorCode() {
      return json().getJsonObject("error").getString("code");
    }

    public String errorMessage() {
      return json().getJsonObject("error").getString("message");
    }
  }

  public Response get(String path, String accessToken) {
    return send(request(path, accessToken).GET());
  }

  public Response get(String path) {
    return get(path, null);
  }

  public Response get(String path, String accessToken, java.util.Map<String, String> headers) {
    HttpRequest.Builder request = request(path, accessToken).GET();
    headers.forEach(request::header);
    return send(request);
  }

  public Response post(String path, Object body, String accessToken) {
    return send(request(path, accessToken).POST(body(body)));
  }

  public Response post(String path, Object body, String accessToken, java.util.Map<String, String> headers) {
    HttpRequest.Builder request = request(path, accessToken).POST(body(body));
    headers.forEach(request::header);
    return send(request);
  }

  public Response delete(String path, String accessToken) {
    return send(request(path, accessToken).DELETE());
  }

  public Response post(String path, Object body) {
    return post(path, body, null);
  }

  public Response put(String path, Object body, String accessToken) {
    return send(request(path, accessToken).PUT(body(body)));
  }

  /** Registers a fresh account with a unique username and returns its tokens and id. */
  public Session signUp(String role) {
    String username = role + "-" + UUID.randomUUID().toString().substring(0, 12);
    Response created = post("/api/v1/accounts", new JsonObject()
        .put("username", username).put("password", "password-of-" + username).put("role", role).put("displayName", "Test " + role));
    if (created.status() != 201) {
      throw new AssertionError("sign-up failed: " + created);
    }
    Response tokens = post("/api/v1/tokens", new JsonObject().put("username", username).put("password", "password-of-" + username));
    if (tokens.status() != 200) {
      throw new AssertionError("log-in failed: " + tokens);
    }
    return new Session(created.json().getString("id"), username, tokens.json().getString("accessToken"), tokens.json().getString("refreshToken"));
  }

  /** An access token for an existing account (an administrator from configuration, say). */
  public String logIn(String username, String password) {
    Response tokens = post("/api/v1/tokens", new JsonObject().put("username", username).put("password", password));
    if (tokens.status() != 200) {
      throw new AssertionError("log-in failed: " + tokens);
    }
    return tokens.json().getString("accessToken");
  }

  public record Session(String userId, String username, String accessToken, String refreshToken) {}

  private HttpRequest.Builder request(String path, String accessToken) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10));
    if (accessToken != null) {
      builder.header("Authorization", "Bearer " + accessToken);
    }
    return builder.header("Content-Type", "application/json");
  }

  private static HttpRequest.BodyPublisher body(Object body) {
    return HttpRequest.BodyPublishers.ofString(body instanceof JsonObject json ? json.encode() : String.valueOf(body));
  }

  private static Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(), response.headers());
    } catch (IOException e) {
      throw new AssertionError("HTTP call failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
