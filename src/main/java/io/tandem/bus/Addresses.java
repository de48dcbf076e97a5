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
   * Published, clustered only: {@code {user, event}} for one user, to every node; each node's
   * {@link UserEvents#relay} hands the event to its own connections of that user on
   * {@link #user}. One consumer per node, registered when the node starts, instead of one per
   * connection: a cluster registers consumers one at a time per event loop, each a round trip to
   * the cluster's map, and a thousand experts connecting at once waited seconds for theirs.
   */
  public static final String USER_EVENTS = "tandem.user.events";

  /**
   * Everything for one user (offers, chat, signals), on this node: every connection of the user
   * here consumes it with a local consumer, so a message published here reaches all of their
   * devices on this node; {@link UserEvents#send} reaches the other nodes through {@link #USER_EVENTS}.
   */
  public static String user(UserId userId) {
    return USER_PREFIX + userId.value();
  }

  /** Commands for the current owner of a matching shard; only the lease holder consumes it. */
  public static String matchingShard(int shard) {
    return SHARD_PREFIX + shard;
  }
}
