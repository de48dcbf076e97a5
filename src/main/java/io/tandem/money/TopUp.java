package io.tandem.money;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A top-up of a client's wallet: {@code pending} until its provider confirms it (at once for the
 * demo provider), then {@code credited} (final) or {@code failed}. {@code demo}: made with the
 * demo provider, where no money moves.
 */
public record TopUp(UUID id, String status, long amount, String currency, String provider, boolean demo, Instant createdAt,
    Optional<Instant> settledAt) {
  /** The contract's {@code TopUp}. */
  public JsonObject toJson() {
    JsonObject view = new JsonObject()
        .put("id", id.toString())
        .put("status", status)
        .put("amount", amount)
        .put("currency", currency)
        .put("provider", provider)
        .put("demo", demo)
        .put("createdAt", createdAt.toString());
    settledAt.ifPresent(at -> view.put("settledAt", at.toString()));
    return view;
  }
}
