package io.tandem.bus;

import io.vertx.core.json.JsonObject;

/**
 * An event to a user, typed: its kind in the catalogue ({@link ServerEvent}) and its fields as
 * docs/protocol.md gives them, rendered in one place ({@link #fields}). Features say what happened
 * with a record of this; {@link UserEvents} puts it on the wire.
 */
public interface UserEvent {
  ServerEvent type();

  /** The event's fields, its {@code type} left out. */
  JsonObject fields();

  /** The whole frame, as a connection writes it: {@code {"type": ..., ...fields}}. */
  default JsonObject frame() {
    return type().frame(fields());
  }
}
