package io.tandem.gateway;

import io.vertx.core.Future;

/** What the rest of the node wants to know about connections: presence and rooms. */
public interface ConnectionListener {
  Future<Void> opened(ConnectionContext connection);

  /** Runs after {@link #opened} completed, whatever its outcome. */
  Future<Void> closed(ConnectionContext connection);
}
