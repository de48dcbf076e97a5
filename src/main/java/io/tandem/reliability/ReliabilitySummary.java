package io.tandem.reliability;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/** A person's reliability score over the penalty window, their no-shows in it, and their suspension if one runs. */
public record ReliabilitySummary(double score, int noShows30d, Optional<Instant> suspendedUntil) {
  /** {@code {score, noShows30d, suspendedUntil}}, as the contract shows it. */
  public JsonObject toJson() {
    return new JsonObject().put("score", score).put("noShows30d", noShows30d)
        .put("suspendedUntil", suspendedUntil.map(Instant::toString).orElse(null));
  }
}
