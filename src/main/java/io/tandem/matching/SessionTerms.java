package io.tandem.matching;

import io.tandem.kernel.Mode;
import io.vertx.core.json.JsonArray;
import java.time.Duration;

/**
 * What a matched request's session opens with, as the session feature configures it
 * ({@code session.*}): the time each side has to join (longer in person), the grace after which a
 * join is late, the longest a session lasts, and the ICE servers its call uses. Handed to matching
 * by the composition root, since matching sits below session.
 */
public record SessionTerms(Duration joinWindow, Duration inPersonJoinWindow, Duration lateGrace, Duration maxDuration, JsonArray iceServers) {
  public Duration joinWindow(Mode mode) {
    return mode == Mode.IN_PERSON ? inPersonJoinWindow : joinWindow;
  }
}
