package io.tandem.operator;

import io.tandem.kernel.UserId;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What operators did: every action recorded in the transaction that did it, with who, when, to
 * what and why. The one writer of {@code audit_log}; read at {@code GET /api/v1/admin/audit}.
 */
public final class Audit {
  private final Pool pool;

  Audit(Pool pool) {
    this.pool = pool;
  }

  /** One action, as recorded. */
  record Action(String action, String subjectType, UUID subjectId, String reason, JsonObject details) {}

  /** Records {@code action} by {@code actor} inside the action's own transaction. */
  static Future<Void> record(SqlClient sql, UserId actor, Action action) {
    return insert(sql, actor, action, null).mapEmpty();
  }

  /**
   * Claims {@code idempotencyKey} for an action that moves money, recording it inside the action's
   * transaction before it acts: empty when the key is new (act, then {@link #complete} the record
   * with what was done); the recorded details when this operator used the key before for the same
   * action on the same subject with the same request (a retry: answer it, act again never);
   * {@code conflict} when they used it for something else. A concurrent retry waits on the key's
   * unique index until the first commits, then finds it here.
   */
  static Future<Optional<JsonObject>> claim(SqlClient sql, UserId actor, Action action, String idempotencyKey) {
    return insert(sql, actor, action, idempotencyKey).compose(claimed -> claimed
        ? Future.succeededFuture(Optional.<JsonObject>empty())
        : sql.preparedQuery("SELECT action, subject_id, details FROM audit_log WHERE actor_id = $1 AND idempotency_key = $2")
            .execute(Tuple.of(actor.value(), idempotencyKey))
            .compose(rows -> {
              Row earlier = rows.iterator().next();
              JsonObject details = earlier.getJsonObject("details");
              boolean same = earlier.getString("action").equals(action.action()) && earlier.getUUID("subject_id").equals(action.subjectId())
                  && action.details().fieldNames().stream().allMatch(field -> sameValue(action.details().getValue(field), details.getValue(field)));
              return same ? Future.succeededFuture(Optional.of(details))
                  : Future.failedFuture(ApiError.conflict("this Idempotency-Key was used for " + earlier.getString("action") + " of "
                      + earlier.getUUID("subject_id") + " " + details.encode() + "; use a new key for a new action"));
            }));
  }

  /** What a claimed action did, added to its record: a retry of its key is answered with it. */
  static Future<Void> complete(SqlClient sql, UserId actor, String idempotencyKey, JsonObject done) {
    return sql.preparedQuery("UPDATE audit_log SET details = details || $3 WHERE actor_id = $1 AND idempotency_key = $2")
        .execute(Tuple.of(actor.value(), idempotencyKey, done))
        .mapEmpty();
  }

  /** JSON values alike: a number read back from jsonb may be an Integer where a Long went in. */
  private static boolean sameValue(Object asked, Object recorded) {
    return asked instanceof Number a && recorded instanceof Number r ? a.longValue() == r.longValue() : java.util.Objects.equals(asked, recorded);
  }

  private static Future<Boolean> insert(SqlClient sql, UserId actor, Action action, String idempotencyKey) {
    return sql.preparedQuery("INSERT INTO audit_log (id, actor_id, action, subject_type, subject_id, reason, details, idempotency_key)"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (actor_id, idempotency_key) DO NOTHING")
        .execute(Tuple.of(UUID.randomUUID(), actor.value(), action.action(), action.subjectType(), action.subjectId(), action.reason(),
            action.details(), idempotencyKey))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Whom an action concerned, by name: the person; a session's client and expert; a request's client; a penalty's penalised; a topic's slug; a review's expert. */
  private static final String SUBJECT_NAME = "CASE l.subject_type"
      + " WHEN 'user' THEN (SELECT u.display_name FROM accounts u WHERE u.id = l.subject_id)"
      + " WHEN 'session' THEN (SELECT c.display_name || ' · ' || e.display_name FROM sessions s JOIN accounts c ON c.id = s.client_id"
      + "   JOIN accounts e ON e.id = s.expert_id WHERE s.id = l.subject_id)"
      + " WHEN 'request' THEN (SELECT c.display_name FROM requests r JOIN accounts c ON c.id = r.client_id WHERE r.id = l.subject_id)"
      + " WHEN 'penalty' THEN (SELECT u.display_name FROM penalties p JOIN accounts u ON u.id = p.user_id WHERE p.id = l.subject_id)"
      + " WHEN 'topic' THEN (SELECT t.slug FROM topics t WHERE t.id = l.subject_id)"
      + " WHEN 'review' THEN (SELECT e.display_name FROM sessions s JOIN accounts e ON e.id = s.expert_id WHERE s.id = l.subject_id) END";

  /**
   * {@code GET /api/v1/admin/audit?limit&subject}: the newest actions first, with who did them;
   * {@code subject} (may be null) narrows to what concerns one thing or person: a person's own
   * actions and those on their requests, sessions and penalties.
   */
  public Future<List<Entry>> recent(int limit, UUID subject) {
    return pool.preparedQuery("SELECT l.id, l.action, l.subject_type, l.subject_id, l.reason, l.details, l.created_at,"
            + " a.id AS actor_id, a.username AS actor, " + SUBJECT_NAME + " AS subject_name"
            + " FROM audit_log l JOIN accounts a ON a.id = l.actor_id"
            + " WHERE $2::uuid IS NULL OR l.subject_id = $2 OR l.subject_id IN ("
            + "   SELECT id FROM sessions WHERE client_id = $2 OR expert_id = $2"
            + "   UNION ALL SELECT id FROM requests WHERE client_id = $2 UNION ALL SELECT id FROM penalties WHERE user_id = $2)"
            + " ORDER BY l.created_at DESC, l.id LIMIT $1")
        .execute(Tuple.of(limit, subject))
        .map(rows -> {
          List<Entry> actions = new ArrayList<>();
          rows.forEach(row -> actions.add(new Entry(row.getUUID("id"), row.getUUID("actor_id"), row.getString("actor"), row.getString("action"),
              row.getString("subject_type"), row.getUUID("subject_id"), row.getString("subject_name"), row.getString("reason"),
              row.getJsonObject("details"), row.getOffsetDateTime("created_at").toInstant())));
          return actions;
        });
  }

  /** An action in the log: who did it, to what, why, with its details (as recorded), when. */
  public record Entry(UUID id, UUID actorId, String actor, String action, String subjectType, UUID subjectId, String subjectName,
      String reason, JsonObject details, Instant createdAt) {
    /** An entry of {@code GET /api/v1/admin/audit}. */
    public JsonObject toJson() {
      return new JsonObject()
          .put("id", id.toString())
          .put("actor", new JsonObject().put("id", actorId.toString()).put("username", actor))
          .put("action", action)
          .put("subject", new JsonObject().put("type", subjectType).put("id", subjectId.toString()).put("name", subjectName))
          .put("reason", reason)
          .put("details", details)
          .put("createdAt", createdAt.toString());
    }
  }
}
