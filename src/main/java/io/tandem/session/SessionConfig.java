package io.tandem.session;

import io.tandem.config.ConfigReader;
import io.tandem.matching.SessionTerms;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * Sessions and their rooms. {@code typingInterval}: at most one {@code room.typing} relayed per
 * connection and room in this time; {@code messageBatchMax}: chat messages written per commit at
 * most; {@code messageWriteLanes}: chat batches a node writes at once (each session always in the
 * same lane); {@code iceServers}: sent in {@code session.ready} for WebRTC. An active session
 * ends by itself {@code aloneTimeout} after one participant left the room while the other stayed,
 * or {@code maxDuration} after it started, both told {@code endWarning} before.
 * {@code sweepBatch}: active sessions a sweep ends per transaction.
 */
public record SessionConfig(
    Duration joinWindow,
    Duration inPersonJoinWindow,
    Duration reconnectGrace,
    Duration lateGrace,
    Duration aloneTimeout,
    Duration maxDuration,
    Duration endWarning,
    int checkinRadiusMeters,
    Duration typingInterval,
    int messageBatchMax,
    int messageWriteLanes,
    int sweepBatch,
    JsonArray iceServers) {
  /** What matching opens a session with. */
  public SessionTerms terms() {
    return new SessionTerms(joinWindow, inPersonJoinWindow, lateGrace, maxDuration, iceServers);
  }

  public static SessionConfig from(ConfigReader r) {
    return new SessionConfig(
        Duration.ofSeconds(r.intBetween("joinWindowSeconds", 1, 24 * 3600)),
        Duration.ofSeconds(r.intBetween("inPersonJoinWindowSeconds", 1, 24 * 3600)),
        Duration.ofSeconds(r.intBetween("reconnectGraceSeconds", 0, 3600)),
        Duration.ofSeconds(r.intBetween("lateGraceSeconds", 0, 3600)),
        Duration.ofSeconds(r.intBetween("aloneTimeoutSeconds", 1, 24 * 3600)),
        Duration.ofMinutes(r.intBetween("maxMinutes", 1, 7 * 24 * 60)),
        Duration.ofSeconds(r.intBetween("endWarningSeconds", 0, 3600)),
        r.intBetween("checkinRadiusMeters", 10, 100_000),
        Duration.ofMillis(r.intBetween("typingIntervalMs", 0, 60_000)),
        r.intBetween("messageBatchMax", 1, 10_000),
        r.intBetween("messageWriteLanes", 1, 64),
        r.intBetween("sweepBatch", 1, 10_000),
        iceServers(r, "iceServers"));
  }

  /**
   * WebRTC ICE servers as browsers take them: objects with {@code urls} (a string or a list of
   * {@code stun:}, {@code turn:} or {@code turns:} URLs) and, for TURN, {@code username} and {@code credential}.
   */
  private static JsonArray iceServers(ConfigReader r, String key) {
    if (!(r.value(key) instanceof JsonArray array)) {
      throw r.problem(key, "must be a list of ICE servers, got " + r.value(key));
    }
    for (Object item : array) {
      if (!(item instanceof JsonObject server)) {
        throw r.problem(key, "must hold objects like {\"urls\": [\"stun:stun.example.com:3478\"]}, got " + item);
      }
      Object urls = server.getValue("urls");
      List<Object> all = urls instanceof JsonArray list ? list.getList() : java.util.Collections.singletonList(urls);
      if (all.isEmpty() || !all.stream().allMatch(u -> u instanceof String s && s.matches("(stun|turn|turns):.+"))) {
        throw r.problem(key, "has an entry whose urls are not stun:, turn: or turns: URLs: " + server.encode());
      }
      for (String field : List.of("username", "credential")) {
        if (server.containsKey(field) && !(server.getValue(field) instanceof String)) {
          throw r.problem(key, "has an entry whose " + field + " is not a string");
        }
      }
    }
    return array.copy();
  }

}
