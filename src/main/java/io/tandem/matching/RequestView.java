package io.tandem.matching;

import io.tandem.kernel.RequestStatus;
import io.tandem.money.Price;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * A request as its client reads it, over HTTP and WebSocket alike: the stored request and, while
 * it waits, where it stands ({@link Standing}). {@link #createdJson} and {@link #toJson} are the
 * contract's {@code RequestCreated} and {@code RequestView}: one shape each, in one place.
 */
public record RequestView(RequestRecord request, Optional<Standing> standing, String currency) {
  /**
   * Where a waiting request stands, as the shard owner tells it, or without one, PostgreSQL
   * ({@code position} and no ETA: without the shard's view of the experts there is no honest one).
   * {@code reason}: why it waits longer than it might (a stall's wire name), if it does.
   */
  public record Standing(RequestStatus status, Optional<Integer> position, Long etaSeconds, Optional<String> reason) {}

  /** {@code POST /api/v1/requests} and the {@code request.create} ack: {@code {id, requestId, status, position?, etaSeconds?, price?, reason?, expiresAt}}. */
  public JsonObject createdJson() {
    return summary().put("expiresAt", request.expiresAt().toString());
  }

  /** {@code GET /api/v1/requests/{id}} and each of {@code GET /api/v1/me/requests}: the summary with what it is about, and what became of it. */
  public JsonObject toJson() {
    JsonObject view = summary()
        .put("topic", request.topic().value())
        .put("mode", request.mode().wireName())
        .put("createdAt", request.createdAt().toString())
        .put("expiresAt", request.expiresAt().toString());
    if (request.sessionId() != null) {
      view.put("sessionId", request.sessionId().toString());
    }
    if (request.cancelReason() != null) {
      view.put("reason", request.cancelReason().wireName());
    }
    return view;
  }

  /**
   * A request's id under both names: HTTP answered {@code id} and WebSocket {@code requestId} for
   * the same thing; both keep their old name and gain the other, so either reads the same shape.
   */
  public static JsonObject identified(String id) {
    return new JsonObject().put("id", id).put("requestId", id);
  }

  /** A request cancelled by its client: {@code DELETE /api/v1/requests/{id}} and the {@code request.cancel} ack, its id as they gave it. */
  public static JsonObject cancelledJson(String id) {
    return identified(id).put("status", RequestStatus.CANCELLED.wireName());
  }

  private JsonObject summary() {
    JsonObject view = identified(request.id().toString())
        .put("status", standing.map(Standing::status).orElse(request.status()).wireName());
    if (request.price() != null) {
      view.put("price", new Price(request.price(), request.platformFee(), currency).toJson());
    }
    standing.flatMap(Standing::position).ifPresent(position -> view.put("position", position).put("etaSeconds", standing.get().etaSeconds()));
    standing.flatMap(Standing::reason).ifPresent(reason -> view.put("reason", reason));
    request.chosenExpert().ifPresent(expert -> view.put("expertId", expert.toString()));
    return view;
  }
}
