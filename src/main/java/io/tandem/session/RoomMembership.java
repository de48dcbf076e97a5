package io.tandem.session;

import io.tandem.kernel.SessionId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The rooms one connection has joined, and when it last passed a typing indicator on in each:
 * what {@link RoomService} keeps of a connection, to notice drops when it closes and to throttle
 * typing. Owned by the connection: made with it, touched only by its frames, its events and its
 * close, all of which run on the connection's event loop (a database or bus answer comes back on
 * the context that asked for it), so plain collections do; nothing node-wide is keyed by
 * connection, and nothing outlives it.
 */
public final class RoomMembership {
  private final Set<SessionId> joined = new HashSet<>();
  private final Map<SessionId, Long> lastTypingNanos = new HashMap<>();

  void joined(SessionId session) {
    joined.add(session);
  }

  void left(SessionId session) {
    joined.remove(session);
    lastTypingNanos.remove(session);
  }

  /** The session ended: when the connection closes there is no drop of it to record, and no typing to throttle. */
  public void ended(SessionId session) {
    left(session);
  }

  /** The rooms joined, forgotten: the connection closed. */
  Set<SessionId> close() {
    Set<SessionId> rooms = Set.copyOf(joined);
    joined.clear();
    lastTypingNanos.clear();
    return rooms;
  }

  /** Whether a typing indicator {@code nowNanos} may pass: none passed in this room within {@code intervalNanos}. */
  boolean mayType(SessionId session, long nowNanos, long intervalNanos) {
    Long last = lastTypingNanos.get(session);
    if (last != null && nowNanos - last < intervalNanos) {
      return false;
    }
    lastTypingNanos.put(session, nowNanos);
    return true;
  }
}
