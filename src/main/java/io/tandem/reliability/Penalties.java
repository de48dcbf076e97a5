package io.tandem.reliability;

import io.tandem.auth.AccountSuspensions;
import io.tandem.bus.PresenceMessages;
import io.tandem.bus.PresenceStatus;
import io.tandem.bus.ServerEvent;
import io.tandem.bus.UserEvent;
import io.tandem.bus.UserEvents;
import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Records penalties inside the caller's transaction: the person's account row is locked, their
 * window read, the policy applied, and the penalty inserted under its unique key (one per person,
 * session and kind, or per offer), so that a second attempt records nothing. The one writer of
 * {@code penalties}; a suspension is set on the account through {@link AccountSuspensions}.
 */
public final class Penalties {
  /**
   * Takes a suspended expert offline inside the penalty's transaction. Presence owns that table
   * and implements this ({@code PresenceRepository::suspended}); reliability cannot import presence,
   * which ranks experts by their reliability.
   */
  @FunctionalInterface
  public interface Suspension {
    Future<Void> takeOffline(SqlClient sql, UserId expert);
  }

  private final PenaltyPolicy policy;
  private final Suspension suspension;
  private final AccountSuspensions accounts;

  /** {@code accounts}: where a suspension is set on the account (auth owns that table). */
  public Penalties(PenaltyPolicy policy, Suspension suspension, AccountSuspensions accounts) {
    this.policy = policy;
    this.suspension = suspension;
    this.accounts = accounts;
  }

  /** A recorded penalty, and the suspension it started, if any. */
  public record Recorded(UUID id, UserId user, PenaltyKind kind, int points, String reason, UUID sessionId, boolean waived,
      Optional<Instant> suspendedUntil) implements UserEvent {
    @Override
    public ServerEvent type() {
      return ServerEvent.PENALTY;
    }

    /** The {@code penalty} event to the penalised person. */
    @Override
    public JsonObject fields() {
      JsonObject event = new JsonObject().put("kind", kind.wireName()).put("points", points).put("reason", reason).put("waived", waived);
      if (sessionId != null) {
        event.put("sessionId", sessionId.toString());
      }
      return event;
    }

    /** Tells the penalised person, after the transaction committed; a suspension also takes an expert offline. */
    public void announce(UserEvents events) {
      events.send(user, this);
      suspendedUntil.ifPresent(until -> PresenceMessages.announceOffline(events, user, PresenceStatus.suspended(until)));
    }
  }

  /** A penalty's row after a waiver; {@code now}: this waiver waived it (false: it was waived before, and nothing changed). */
  public record Waiver(Row penalty, boolean now) {}

  /**
   * Waives a penalty; a suspension the remaining unwaived points in the window no longer reach is
   * lifted with it (penalties' suspensions only: AccountSuspensions). Empty when there is no such
   * penalty; a penalty waived before is left as it is.
   */
  public Future<Optional<Waiver>> waive(SqlClient sql, UUID penalty, String reason) {
    return sql.preparedQuery("UPDATE penalties SET waived = true, waived_reason = $2 WHERE id = $1 AND NOT waived RETURNING *")
        .execute(Tuple.of(penalty, reason))
        .compose(rows -> {
          if (rows.size() == 0) {
            return sql.preparedQuery("SELECT * FROM penalties WHERE id = $1").execute(Tuple.of(penalty))
                .map(before -> before.size() == 0 ? Optional.<Waiver>empty() : Optional.of(new Waiver(before.iterator().next(), false)));
          }
          Row waived = rows.iterator().next();
          UUID user = waived.getUUID("user_id");
          return sql.preparedQuery("SELECT coalesce(sum(points), 0) AS points FROM penalties WHERE user_id = $1 AND NOT waived"
                  + " AND created_at > now() - make_interval(days => $2)")
              .execute(Tuple.of(user, (int) policy.window().toDays()))
              .compose(points -> policy.suspends(points.iterator().next().getLong("points"))
                  ? Future.succeededFuture()
                  : accounts.lift(sql, new UserId(user)))
              .map(v -> Optional.of(new Waiver(waived, true)));
        });
  }

  /** Whether the policy gives this offence any points: one worth none (a kind switched off) need not be recorded. */
  public boolean costsPoints(PenaltyKind kind, boolean expert) {
    return policy.points(kind, expert) > 0;
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
                return accounts.suspendUntil(sql, user, decision.suspendUntil().get())
                    .compose(v -> suspension.takeOffline(sql, user))
                    .map(v -> Optional.of(recorded));
              });
        });
  }
}
