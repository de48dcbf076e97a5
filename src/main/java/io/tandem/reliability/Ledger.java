package io.tandem.reliability;

import io.tandem.auth.Wallets;
import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The held-payment ledger: append-only, double-entry. Every transfer writes two entries that sum
 * to zero, in one statement, under a key that makes it happen once however often it is tried.
 * Transfers out of a wallet lock the owner's account row and never take it below zero. The lock
 * is FOR NO KEY UPDATE: it serialises a wallet's debits without colliding with the key-share
 * locks that inserting the owner's sessions takes, which FOR UPDATE would turn into deadlocks.
 * Amounts are in minor units (cents).
 */
public final class Ledger implements Wallets {
  /** One side of a transfer: a user's wallet, a session's escrow, or the outside world. */
  public record Side(String account, UserId user, String kind) {
    public static Side wallet(UserId user, String kind) {
      return new Side("wallet", user, kind);
    }

    public static Side escrow(String kind) {
      return new Side("escrow", null, kind);
    }

    public static Side funding(String kind) {
      return new Side("funding", null, kind);
    }
  }

  private final Pool pool;

  public Ledger(Pool pool) {
    this.pool = pool;
  }

  // ---- a session's money, inside the caller's transaction: the hold at match, then one settlement.

  /** At match: the client's price moves into the session's escrow; false when the client cannot pay it (nothing written). */
  public static Future<Boolean> hold(SqlClient sql, UUID session, UserId client, long price) {
    return transfer(sql, "hold:" + session, Side.wallet(client, "hold"), Side.escrow("hold"), price, session);
  }

  /** The session was given: the held price goes to the expert. */
  public static Future<Void> capture(SqlClient sql, UUID session, UserId expert, long price) {
    return transfer(sql, "settle:" + session, Side.escrow("capture"), Side.wallet(expert, "capture"), price, session).mapEmpty();
  }

  /** The session was not given: the held price goes back to the client. */
  public static Future<Void> release(SqlClient sql, UUID session, UserId client, long price) {
    return transfer(sql, "settle:" + session, Side.escrow("release"), Side.wallet(client, "release"), price, session).mapEmpty();
  }

  /** A client who did not show pays the expert {@code fee} for the time they kept free. */
  public static Future<Void> noShowFee(SqlClient sql, UUID session, UserId client, UserId expert, long fee) {
    return transfer(sql, "no-show-fee:" + session, Side.wallet(client, "no_show_fee"), Side.wallet(expert, "compensation"), fee,
        session).mapEmpty();
  }

  /**
   * Moves {@code amount} from one side to the other, once per {@code key}. Completes with false
   * when a wallet would go below zero (nothing is written) or the transfer was already made.
   */
  public static Future<Boolean> transfer(SqlClient sql, String key, Side from, Side to, long amount, UUID session) {
    // Lock first, count after, in two statements: a statement that waited for the lock would still
    // sum with the snapshot it started with and miss the debit it waited for.
    Future<Boolean> affordable = from.user() == null
        ? Future.succeededFuture(true)
        : sql.preparedQuery("SELECT id FROM accounts WHERE id = $1 FOR NO KEY UPDATE").execute(Tuple.of(from.user().value()))
            .compose(locked -> locked.size() == 0
                ? Future.succeededFuture(false)
                : sql.preparedQuery("SELECT coalesce(sum(amount), 0) AS balance FROM ledger_entries WHERE account = 'wallet' AND user_id = $1")
                    .execute(Tuple.of(from.user().value()))
                    .map(rows -> rows.iterator().next().getLong("balance") >= amount));
    return affordable.compose(ok -> {
      if (!ok) {
        return Future.succeededFuture(false);
      }
      UUID transfer = UUID.randomUUID();
      return sql.preparedQuery("INSERT INTO ledger_entries (transfer_id, account, user_id, kind, amount, session_id, entry_key)"
              + " VALUES ($1, $2, $3, $4, $5, $6, $7 || ':from'), ($1, $8, $9, $10, $11, $6, $7 || ':to')"
              + " ON CONFLICT (entry_key) DO NOTHING")
          .execute(Tuple.tuple()
              .addUUID(transfer).addString(from.account()).addUUID(from.user() == null ? null : from.user().value())
              .addString(from.kind()).addLong(-amount).addUUID(session).addString(key)
              .addString(to.account()).addUUID(to.user() == null ? null : to.user().value()).addString(to.kind()).addLong(amount))
          .map(rows -> rows.rowCount() == 2);
    });
  }

  public Future<Boolean> transfer(String key, Side from, Side to, long amount, UUID session) {
    return pool.withTransaction(conn -> transfer(conn, key, from, to, amount, session));
  }

  @Override
  public Future<Void> creditStartingBalance(SqlConnection conn, UserId user, long amount) {
    return transfer(conn, "initial:" + user, Side.funding("initial"), Side.wallet(user, "initial"), amount, null).mapEmpty();
  }

  @Override
  public Future<Long> balance(UserId user) {
    return pool.preparedQuery("SELECT coalesce(sum(amount), 0) AS balance FROM ledger_entries WHERE account = 'wallet' AND user_id = $1")
        .execute(Tuple.of(user.value()))
        .map(rows -> rows.iterator().next().getLong("balance"));
  }

  /** {@code GET /api/v1/me/ledger}: the balance and the wallet's entries, newest first. */
  public Future<JsonObject> statement(UserId user) {
    return balance(user).compose(balance -> pool.preparedQuery("SELECT id, kind, amount, session_id, created_at FROM ledger_entries"
            + " WHERE account = 'wallet' AND user_id = $1 ORDER BY created_at DESC, id LIMIT 500")
        .execute(Tuple.of(user.value()))
        .map(rows -> {
          List<JsonObject> entries = new ArrayList<>();
          rows.forEach(row -> {
            JsonObject entry = new JsonObject()
                .put("id", row.getUUID("id").toString())
                .put("kind", row.getString("kind"))
                .put("amount", row.getLong("amount"))
                .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString());
            if (row.getUUID("session_id") != null) {
              entry.put("sessionId", row.getUUID("session_id").toString());
            }
            entries.add(entry);
          });
          return new JsonObject().put("balance", balance).put("entries", new JsonArray(entries));
        }));
  }
}
