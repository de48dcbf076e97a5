package io.tandem.money;

import io.tandem.kernel.UserId;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;

/**
 * An operator gives a client money back for a settled session: never more than the client paid for
 * it (net of earlier refunds), and taken back from those who received it in proportion to what each
 * received (the expert's earnings and the platform's fee). Runs in the caller's transaction, which
 * must hold both participants' account rows ({@code Ledger}'s lock order). Its key makes it one
 * transfer: a key posted before is {@code conflict}, never a second refund (operators' retries are
 * answered from the audit log before they get here).
 */
public final class Refunds {
  private Refunds() {}

  /** A refund made: how much, and who gave it back. */
  public record Refund(long amount, long fromExpert, long fromPlatform) {}

  /**
   * Refunds {@code amount} of {@code session} to its client; {@code conflict} when the session's money
   * is still held, nothing was paid, or more is asked than is left to refund (with {@code refundable}:
   * what is left). {@code currency}: the ledger's, for the messages.
   */
  public static Future<Refund> refund(SqlClient sql, UUID session, UserId client, UserId expert, long amount, String note, String key,
      String currency) {
    String entryKey = "refund:" + session + ":" + key;
    return standing(sql, session, client).compose(before -> {
      long paid = before.getLong("paid");
      long refunded = before.getLong("refunded");
      if (before.getLong("escrow") != 0) {
        return Future.failedFuture(ApiError.conflict("the session's price is still held: end the session first, then refund it"));
      }
      if (paid <= 0) {
        return Future.failedFuture(ApiError.conflict("the client paid nothing for this session, or it was refunded in full already"));
      }
      if (amount > paid) {
        return Future.failedFuture(ApiError.conflict("at most " + Amounts.format(paid, currency) + " can be refunded for this session:"
            + " the client paid " + Amounts.format(paid + refunded, currency) + " and got " + Amounts.format(refunded, currency) + " back already")
            .with("refundable", paid));
      }
      long platformNet = Math.max(0, before.getLong("platform"));
      long fromPlatform = Math.min(amount, amount * platformNet / paid);
      long fromExpert = amount - fromPlatform;
      return Ledger.post(sql, entryKey, session, note, List.of(
              Leg.wallet(client, EntryKind.REFUND, amount),
              Leg.wallet(expert, EntryKind.REFUND, -fromExpert),
              Leg.of(Account.PLATFORM, EntryKind.REFUND, -fromPlatform)))
          .compose(posted -> switch (posted) {
            case POSTED -> Future.succeededFuture(new Refund(amount, fromExpert, fromPlatform));
            case ALREADY_POSTED -> Future.failedFuture(ApiError.conflict("a refund of this session was made under this key already"));
            case UNAFFORDABLE -> Future.failedFuture(ApiError.conflict("the expert's wallet no longer holds the "
                + Amounts.format(fromExpert, currency) + " this refund takes back"));
          });
    });
  }

  /** The session's money now: what the client paid net, what they got back by refund, the platform's net, and the escrow. */
  private static Future<Row> standing(SqlClient sql, UUID session, UserId client) {
    return sql.preparedQuery("SELECT coalesce(-sum(amount) FILTER (WHERE account = 'wallet' AND user_id = $2), 0) AS paid,"
            + " coalesce(sum(amount) FILTER (WHERE account = 'wallet' AND user_id = $2 AND kind = 'refund'), 0) AS refunded,"
            + " coalesce(sum(amount) FILTER (WHERE account = 'platform'), 0) AS platform,"
            + " coalesce(sum(amount) FILTER (WHERE account = 'escrow'), 0) AS escrow"
            + " FROM ledger_entries WHERE session_id = $1")
        .execute(Tuple.of(session, client.value()))
        .map(rows -> rows.iterator().next());
  }
}
