package io.tandem.expert;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

public final class ExpertProfileRepository implements ExpertProfiles {
  private final Pool pool;

  public ExpertProfileRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Creates or replaces the expert's profile; empty when their account no longer exists (a token
   * outlives the account it was issued for), which the caller answers as it answers such a token.
   */
  @Override
  public Future<Optional<ExpertProfile>> save(ExpertProfile p) {
    return pool.preparedQuery("INSERT INTO expert_profiles (account_id, topics, modes, lat, lng, capacity, bio, languages)"
            + " SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM accounts WHERE id = $1)"
            + " ON CONFLICT (account_id) DO UPDATE SET topics = excluded.topics, modes = excluded.modes, lat = excluded.lat,"
            + " lng = excluded.lng, capacity = excluded.capacity, bio = excluded.bio, languages = excluded.languages, updated_at = now()")
        .execute(Tuple.tuple()
            .addUUID(p.expertId().value())
            .addArrayOfString(p.offering().topics().stream().map(Topic::value).toArray(String[]::new))
            .addArrayOfString(p.offering().modes().stream().map(Mode::wireName).toArray(String[]::new))
            .addDouble(p.offering().location().map(GeoPoint::lat).orElse(null))
            .addDouble(p.offering().location().map(GeoPoint::lng).orElse(null))
            .addInteger(p.offering().capacity())
            .addString(p.bio())
            .addArrayOfString(p.languages().toArray(String[]::new)))
        .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(p));
  }

  @Override
  public Future<Optional<ExpertProfile>> find(UserId expertId) {
    return pool.preparedQuery("SELECT * FROM expert_profiles WHERE account_id = $1")
        .execute(Tuple.of(expertId.value()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(ExpertProfile.of(rows.iterator().next())));
  }

  @Override
  public Future<Optional<ListedExpert>> listed(UserId expertId) {
    return pool.preparedQuery("SELECT a.id, a.display_name, p.* FROM accounts a"
            + " LEFT JOIN expert_profiles p ON p.account_id = a.id WHERE a.id = $1 AND a.role = 'expert'")
        .execute(Tuple.of(expertId.value()))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row row = rows.iterator().next();
          return Optional.of(new ListedExpert(expertId, row.getString("display_name"),
              row.getUUID("account_id") == null ? Optional.empty() : Optional.of(ExpertProfile.of(row))));
        });
  }
}
