package io.tandem.gateway;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** What the rest of the node wants to know about connections: presence, requests and rooms. */
public interface ConnectionListener {
  /**
   * A connection opened: once it is recorded, the frames it is greeted with, written to it before
   * it reads any frame of the client's: the user's state as a fresh page needs it (presence, a
   * pending offer, a waiting request, a session still open). Events that happened while no
   * connection of theirs was there are not lost with the connection that was.
   */
  Future<List<JsonObject>> opened(ConnectionContext connection);

  /**
   * Runs after {@link #opened} completed, whatever its outcome; {@code silent}: the server closed it
   * because nothing was heard from it for ws.idleTimeoutSeconds (it froze), not for any other reason.
   */
  Future<Void> closed(ConnectionContext connection, boolean silent);
}
