package io.tandem.reliability;

import io.tandem.bus.PresenceMessages;
import io.tandem.bus.UserEvents;
import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Records penalties inside the caller's transaction: the person's account row is locked, their
 * window read, the policy applied, and the penalty inserted under its unique key (one per person,
 * session and kind, or per offer), so that a second attempt records nothing.
 */
public final class Penalties {
  private final PenaltyPolicy policy;

  public Penalties(PenaltyPolicy policy) {
    this.policy = policy;
  }

  /** A recorded penalty, and the suspension it started, if any. */
  public record Recorded(UUID id, UserId user, PenaltyKind kind, int points, String reason, UUID sessionId, boolean waived,
      Optional<Instant> suspendedUntil) {
    public JsonObject toEvent() {
      JsonObject event = new JsonObject().put("kind", kind.wireName()).put("points", points).put("reason", reason).put("waived", waived);
      if (sessionId != null) {
        event.put("sessionId", sessionId.toString());
      }
      return event;
    }

    /** Tells the penalised person, after the transaction committed; a suspension also takes an expert offline. */
    public void announce(UserEvents events) {
      events.send(user, "penalty", toEvent());
      suspendedUntil.ifPresent(until -> PresenceMessages.announceOffline(events, user,
          new JsonObject().put("status", "suspended").put("suspendedUntil", until.toString())));
    }
  }

  /** Records the offence once; empty when it was already recorded. */
  public Future<Optional<Recorded>> record(SqlClient sql, UserId user, PenaltyKind kind, boolean expert, String reason, UUID sessionId,
      UUID offerId) {
    return sql.preparedQuery("SELECT id FROM accounts WHERE id = $1 FOR NO KEY UPDATE").execute(Tuple.of(user.value()))
        .compose(locked -> sql.preparedQuery("SELECT points, waived, created_at FROM penalties WHERE user_id = $1"
                + " AND created_at > now() - make_interval(days => $2)")
            .execute(Tuple.of(user.value(), (int) policy.window().toDays())))
        .compose(rows -> {
          List<PenaltyPolicy.Past> record = new ArrayList<>();
          for (Row row : rows) {
            record.add(new PenaltyPolicy.Past(row.getInteger("points"), row.getBoolean("waived"), row.getOffsetDateTime("created_at").toInstant()));
          }
          PenaltyPolicy.Decision decision = policy.decide(kind, expert, record, Instant.now());
          return sql.preparedQuery("INSERT INTO penalties (user_id, kind, points, reason, session_id, offer_id, waived)"
                  + " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id")
              .execute(Tuple.of(user.value(), kind.wireName(), decision.points(), reason, sessionId, offerId, decision.waived()))
              .compose(inserted -> {
                if (inserted.size() == 0) {
                  return Future.succeededFuture(Optional.<Recorded>empty());
                }
                UUID id = inserted.iterator().next().getUUID("id");
                Recorded recorded = new Recorded(id, user, kind, decision.points(), reason, sessionId, decision.waived(), decision.suspendUntil());
                if (decision.suspendUntil().isEmpty()) {
                  return Future.succeededFuture(Optional.of(recorded));
                }
                return sql.preparedQuery("UPDATE accounts SET suspended_until = greatest(coalesce(suspended_until, $2), $2) WHERE id = $1")
                    .execute(Tuple.of(user.value(), decision.suspendUntil().get().atOffset(ZoneOffset.UTC)))
                    .compose(v -> sql.preparedQuery("UPDATE expert_presence SET status = 'offline', offline_reason = 'suspended'"
                        + " WHERE expert_id = $1 AND status = 'online'").execute(Tuple.of(user.value())))
                    .map(v -> Optional.of(recorded));
              });
        });
  }
}
