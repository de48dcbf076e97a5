package io.tandem.matching;

import io.tandem.kernel.ExpertSnapshot;
import io.tandem.kernel.Topic;
/**
 * Matching is sharded by topic root: every request and every expert's topic falls into the shard
 * of its first segment, so {@code career.interview} and {@code career} always meet in one shard.
 */
public final class Shards {
  private Shards() {}

  /** Stable across JVMs: String.hashCode is specified. */
  public static int of(Topic topic, int shards) {
    return Math.floorMod(topic.root().hashCode(), shards);
  }

  public static boolean covers(int shard, ExpertSnapshot expert, int shards) {
    return expert.topics().stream().anyMatch(t -> of(t, shards) == shard);
  }
}
