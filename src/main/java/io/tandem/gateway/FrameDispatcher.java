package io.tandem.gateway;

import io.tandem.wire.ApiError;
import io.tandem.wire.JsonInput;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/** The one table from frame {@code type} to its handler. Unknown types are a bad request. */
public final class FrameDispatcher {
  private final Map<String, FrameHandler> handlers = new HashMap<>();

  public FrameDispatcher on(String type, FrameHandler handler) {
    if (handlers.putIfAbsent(type, handler) != null) {
      throw new IllegalStateException("two handlers for frame type " + type);
    }
    return this;
  }

  Future<JsonObject> dispatch(ConnectionContext from, String type, JsonInput frame) {
    FrameHandler handler = handlers.get(type);
    if (handler == null) {
      return Future.failedFuture(ApiError.badRequest("unknown frame type '" + type + "'"));
    }
    try {
      return handler.handle(from, frame);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
