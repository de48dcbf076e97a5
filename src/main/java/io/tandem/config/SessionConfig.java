package io.tandem.config;

import io.vertx.core.json.JsonArray;
import java.time.Duration;

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
  static SessionConfig from(ConfigReader r) {
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
        r.iceServers("iceServers"));
  }
}
