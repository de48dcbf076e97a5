package io.tandem.presence;

import io.tandem.kernel.ExpertSnapshot;
import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.List;

/**
 * What matching may read and write of experts' presence: who is online (a shard rebuilding its
 * index), and, inside matching's own transactions, the bookkeeping of offers. Implemented by
 * {@link PresenceRepository}, the one writer of {@code expert_presence}.
 */
public interface ExpertPresence {
  /** Every online expert. */
  Future<List<ExpertSnapshot>> allOnline();

  /**
   * The experts answered an offer (accepted or declined): their run of missed offers ends, and for
   * the fairness ranking their idle time starts again (the shard that offered counted them busy
   * from the offer on already; this is what other shards and a shard's next owner read).
   */
  Future<Void> answered(SqlClient sql, List<UserId> experts);

  /**
   * The expert let an offer time out: one more missed in a row, and their idle time starts again
   * (as {@link #answered}); at {@code offlineAt} in a row an online expert goes offline (reason
   * {@code missed_offers}) and the run starts again. True when this took them offline.
   */
  Future<Boolean> missed(SqlClient sql, UserId expert, int offlineAt);

  /**
   * Whether the expert is away now: offline, or online without a connection (in the reconnect
   * grace). An offer they miss then is not held against them.
   */
  Future<Boolean> away(SqlClient sql, UserId expert);
}
