package io.tandem.session;

import io.tandem.kernel.SessionId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions' participants, cached once seen: participants never change, so only a session's pair
 * is read from what is cached. Shared by every event loop of the node (connections live on all of
 * them), hence a concurrent map: a race between two loops costs at most a second read of the same
 * immutable row, never a wrong pair. Bounded: past {@code max} sessions it is emptied at once
 * (sessions that ended elsewhere are then read again when next used).
 */
final class ParticipantCache {
  private final Map<SessionId, SessionRecord> sessions = new ConcurrentHashMap<>();
  private final int max;

  ParticipantCache(int max) {
    this.max = max;
  }

  Optional<SessionRecord> get(SessionId id) {
    return Optional.ofNullable(sessions.get(id));
  }

  void remember(SessionRecord session) {
    if (sessions.size() >= max) {
      sessions.clear();
    }
    sessions.put(session.id(), session);
  }

  void forget(SessionId id) {
    sessions.remove(id);
  }

  int size() {
    return sessions.size();
  }
}
