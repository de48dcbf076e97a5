package io.tandem.gateway;

import io.tandem.wire.JsonInput;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Handles one client frame type. The result becomes the {@code ack}'s fields; a failed future
 * (an {@link io.tandem.wire.ApiError} for the caller's mistakes) becomes the {@code error} frame.
 */
@FunctionalInterface
public interface FrameHandler {
  Future<JsonObject> handle(ConnectionContext from, JsonInput frame);
}
