package io.tandem.bus;

import io.tandem.kernel.UserId;

/**
 * Every event-bus address, in one place. Addresses read {@code tandem.<feature>.<name>}; events
 * are named in the past tense. The bus is the fast path only: whatever travels here is already
 * committed in PostgreSQL, and a lost message delays work without losing it.
 */
public final class Addresses {
  private static final String USER_PREFIX = "tandem.user.";
  private static final String SHARD_PREFIX = "tandem.matching.shard.";

  /** Published: an expert's presence or offering changed (JSON of presence/PresenceMessages). */
  public static final String PRESENCE_CHANGED = "tandem.presence.changed";

  /** Published: an expert's load (open sessions plus pending offers) changed. */
  public static final String EXPERT_LOAD_CHANGED = "tandem.matching.expert-load-changed";

  /** Published: the topic catalogue changed (committed); every node reads it again. */
  public static final String TOPICS_CHANGED = "tandem.topic.catalogue-changed";

  private Addresses() {}

  /**
   * Everything for one user (offers, chat, signals). Every connection of the user, on every node,
   * consumes it, so a message published here reaches all of their devices.
   */
  public static String user(UserId userId) {
    return USER_PREFIX + userId.value();
  }

  /** Commands for the current owner of a matching shard; only the lease holder consumes it. */
  public static String matchingShard(int shard) {
    return SHARD_PREFIX + shard;
  }
}
