package io.tandem.directory;

import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** The one writer of {@code expert_availability}: an expert's hours, saved whole and read back. */
public final class AvailabilityRepository {
  private final Pool pool;

  public AvailabilityRepository(Pool pool) {
    this.pool = pool;
  }

  /** Replaces the expert's availability; false when their account no longer exists. */
  public Future<Boolean> save(UserId expert, Availability availability) {
    return pool.preparedQuery("INSERT INTO expert_availability (expert_id, time_zone, hours) SELECT $1, $2, $3"
            + " WHERE EXISTS (SELECT 1 FROM accounts WHERE id = $1)"
            + " ON CONFLICT (expert_id) DO UPDATE SET time_zone = excluded.time_zone, hours = excluded.hours, updated_at = now()")
        .execute(Tuple.of(expert.value(), availability.timeZone().getId(), availability.toJson()))
        .map(rows -> rows.rowCount() == 1);
  }

  /** The expert's availability; empty until they saved one. */
  public Future<Optional<Availability>> find(UserId expert) {
    return pool.preparedQuery("SELECT hours FROM expert_availability WHERE expert_id = $1").execute(Tuple.of(expert.value()))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(Availability.fromJson((JsonObject) rows.iterator().next().getValue("hours"))));
  }
}
