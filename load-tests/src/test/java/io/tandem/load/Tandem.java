package io.tandem.load;

import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CoreDsl;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.WsFrameCheck;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every simulation shares: the server's address ({@code -DbaseUrl}), seeding accounts
 * through {@code POST /api/v1/loadtest/seed} (the server must run with
 * {@code TANDEM_LOAD_TEST_SEED_ENABLED=true}), and the protocol's frames as Gatling chains.
 */
final class Tandem {
  static final String BASE_URL = System.getProperty("baseUrl", "http://localhost:8080");
  static final String TOPIC = System.getProperty("topic", "career");

  private Tandem() {}

  static HttpProtocolBuilder protocol() {
    return protocol(BASE_URL);
  }

  /** The protocol for one server of a cluster (every node answers the same API). */
  static HttpProtocolBuilder protocol(String baseUrl) {
    return http.baseUrl(baseUrl)
        .wsBaseUrl(baseUrl.replaceFirst("^http", "ws"))
        .acceptHeader("application/json")
        .contentTypeHeader("application/json")
        .shareConnections();
  }

  /** Seeds accounts and returns Gatling feeder records {@code {id, accessToken}} for clients and experts. */
  static Map<String, List<Map<String, Object>>> seed(int clients, int experts) {
    String prefix = "lt" + UUID.randomUUID().toString().substring(0, 8);
    String body = "{\"prefix\":\"" + prefix + "\",\"clients\":" + clients + ",\"experts\":" + experts
        + ",\"topics\":[\"" + TOPIC + "\"],\"modes\":[\"chat\",\"video\"],\"capacity\":1,"
        + "\"location\":{\"lat\":31.2304,\"lng\":121.4737}}";
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(BASE_URL + "/api/v1/loadtest/seed"))
              .timeout(Duration.ofMinutes(5))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 201) {
        throw new IllegalStateException("seeding failed (" + response.statusCode() + "): " + response.body()
            + " — is the server running with TANDEM_LOAD_TEST_SEED_ENABLED=true?");
      }
      Map<String, List<Map<String, Object>>> seeded = new HashMap<>();
      seeded.put("clients", accounts(response.body(), "clients"));
      seeded.put("experts", accounts(response.body(), "experts"));
      return seeded;
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("cannot reach " + BASE_URL + ": " + e, e);
    }
  }

  private static final Pattern ACCOUNT = Pattern.compile("\\{\"id\":\"([^\"]+)\",\"username\":\"[^\"]+\",\"accessToken\":\"([^\"]+)\"\\}");

  private static List<Map<String, Object>> accounts(String json, String key) {
    int start = json.indexOf("\"" + key + "\":[");
    int end = json.indexOf("]", start);
    List<Map<String, Object>> accounts = new ArrayList<>();
    Matcher m = ACCOUNT.matcher(json.substring(start, end));
    while (m.find()) {
      accounts.add(Map.of("id", m.group(1), "accessToken", m.group(2)));
    }
    return accounts;
  }

  /** An answer to the frame with this cid (a literal: matching() takes no session attributes). */
  static WsFrameCheck.Text ack(String cid) {
    return ws.checkTextMessage("ack " + cid).matching(jsonPath("$.cid").is(cid)).check(jsonPath("$.type").is("ack"));
  }

  /** The next event of this type. */
  static WsFrameCheck.Text event(String type) {
    return ws.checkTextMessage(type).matching(jsonPath("$.type").is(type));
  }

  static ChainBuilder connect() {
    return CoreDsl.exec(ws("connect").connect("/ws").header("Authorization", "Bearer #{accessToken}"));
  }

  static ChainBuilder call(String name, String cid, String frame, int seconds) {
    return CoreDsl.exec(ws(name).sendText(frame).await(seconds).on(ack(cid)));
  }

  static ChainBuilder goOnline() {
    return call("presence.online", "on", "{\"type\":\"presence.online\",\"cid\":\"on\"}", 10);
  }

  /** Waits (up to {@code seconds}) for an event of this type, saving fields of it; a ping carries the wait. */
  static ChainBuilder awaitEvent(String name, String type, int seconds, String... saveAs) {
    WsFrameCheck.Text check = event(type);
    for (String field : saveAs) {
      check = check.check(jsonPath("$." + field).saveAs(field));
    }
    return CoreDsl.exec(ws(name).sendText("{\"type\":\"ping\"}").await(seconds).on(check));
  }

  static ChainBuilder requestConsultation() {
    return CoreDsl.exec(ws("request→matched")
        .sendText("{\"type\":\"request.create\",\"cid\":\"rq\",\"topic\":\"" + TOPIC + "\",\"mode\":\"chat\","
            + "\"location\":{\"lat\":31.24,\"lng\":121.48},\"brief\":\"load test\"}")
        .await(120).on(event("request.matched").check(jsonPath("$.sessionId").saveAs("sessionId"))
            .check(jsonPath("$.requestId").saveAs("requestId"))));
  }

  static ChainBuilder joinRoom(String name) {
    return call(name, "join", "{\"type\":\"room.join\",\"cid\":\"join\",\"sessionId\":\"#{sessionId}\",\"afterSeq\":0}", 10);
  }

  /** Sends a chat message carrying its send time and waits until it comes back as room.message: stored and delivered. */
  static ChainBuilder chat(int messages) {
    return CoreDsl.repeat(messages, "m").on(CoreDsl.exec(ws("send→delivered")
        .sendText("{\"type\":\"room.send\",\"cid\":\"snd\",\"sessionId\":\"#{sessionId}\",\"clientMsgId\":\"#{m}-#{requestId}\","
            + "\"text\":\"sent at #{currentTimeMillis()}\"}")
        // The room.message can overtake the ack (both leave the server together), so only it is awaited.
        // The client is the only one who writes in these rooms, so the next message is its own.
        .await(10).on(ws.checkTextMessage("delivered").matching(jsonPath("$.type").is("room.message"))
            .check(jsonPath("$.seq").exists()))));
  }
}
