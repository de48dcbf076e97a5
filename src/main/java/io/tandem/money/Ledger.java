package io.tandem.money;

import io.tandem.auth.Wallets;
import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * The ledger: append-only, double-entry, in minor units of one currency. Every transfer is a set of
 * legs that sum to zero, written in one statement under a key that makes it happen once however
 * often it is tried. A transfer out of a wallet locks the owner's account row and never takes the
 * wallet below zero. The lock is FOR NO KEY UPDATE: it serialises a wallet's debits without
 * colliding with the key-share locks that inserting the owner's sessions takes, which FOR UPDATE
 * would turn into deadlocks. The one writer of {@code ledger_entries}.
 *
 * <p>Accounts: a person's {@code wallet}; a session's {@code escrow} (the price held from match to
 * settlement); the {@code platform} (its fees, and what it gives back); {@code funding}, the world
 * outside (top-ups, welcome credits).
 */
public final class Ledger implements Wallets {
  /** What came of posting a transfer. */
  public enum Posting {
    POSTED,
    /** Its key was posted before: nothing written again. */
    ALREADY_POSTED,
    /** A wallet it debits cannot cover it: nothing written. */
    UNAFFORDABLE
  }

  private final Pool pool;

  public Ledger(Pool pool) {
    this.pool = pool;
  }

  // ---- inside the caller's transaction (a session's settlement is session.OutcomeTable's)

  /** At match: the client's price moves into the session's escrow. */
  public static Future<Posting> hold(SqlClient sql, UUID session, UserId client, long price) {
    return post(sql, "hold:" + session, session, null, List.of(
        Leg.wallet(client, EntryKind.HOLD, -price), Leg.of(Account.ESCROW, EntryKind.HOLD, price)));
  }

  /**
   * A no-show penalty waived after its fee was charged: the platform gives the client back what they
   * still have paid of the fee (an operator's refund may have given some of it back already; the
   * expert keeps what compensated them for their time). Once; nothing when nothing is left to give
   * back. Locks the client's wallet first, so that a refund of the same session is either wholly
   * before this or wholly after it.
   */
  public static Future<Long> refundNoShowFee(SqlClient sql, UUID session, UserId client, String note) {
    return lockWallets(sql, List.of(client))
        .compose(v -> sql.preparedQuery("SELECT coalesce(-sum(amount) FILTER (WHERE kind = 'no_show_fee'), 0) AS fee,"
                + " coalesce(-sum(amount), 0) AS paid FROM ledger_entries WHERE session_id = $1 AND account = 'wallet' AND user_id = $2")
            .execute(Tuple.of(session, client.value())))
        .compose(rows -> {
          Row row = rows.iterator().next();
          long back = Math.min(row.getLong("fee"), row.getLong("paid"));
          return back <= 0 ? Future.succeededFuture(0L)
              : post(sql, "no-show-fee-refund:" + session, session, note, List.of(
                  Leg.of(Account.PLATFORM, EntryKind.REFUND, -back), Leg.wallet(client, EntryKind.REFUND, back)))
                  .map(posted -> posted == Posting.POSTED ? back : 0L);
        });
  }

  /** An operator's goodwill credit to a wallet, paid by the platform. */
  public static Future<Posting> credit(SqlClient sql, String key, UserId user, long amount, String note) {
    return post(sql, "credit:" + key, null, note, List.of(Leg.of(Account.PLATFORM, EntryKind.CREDIT, -amount), Leg.wallet(user, EntryKind.CREDIT, amount)));
  }

  /** Money a payment provider took from the client, credited to their wallet once per top-up. */
  public static Future<Posting> topUp(SqlClient sql, UUID topUp, UserId user, long amount) {
    return post(sql, "top-up:" + topUp, null, null, List.of(Leg.of(Account.FUNDING, EntryKind.TOP_UP, -amount), Leg.wallet(user, EntryKind.TOP_UP, amount)));
  }

  /**
   * Locks these people's wallets (their account rows) in the order every transfer locks them, for a
   * transaction that moves their money after other work that locks their accounts too (penalties):
   * taken first, in one order, no two transactions wait on each other in opposite orders.
   */
  public static Future<Void> lockWallets(SqlClient sql, List<UserId> users) {
    return sql.preparedQuery("SELECT id FROM accounts WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE")
        .execute(Tuple.of(users.stream().map(UserId::value).toArray(UUID[]::new)))
        .mapEmpty();
  }

  /**
   * Posts a transfer once per {@code key}: {@code legs} must sum to zero (a leg of 0 is left out).
   * Wallets it debits are locked in user order (as every transfer locks them: no two wait on each
   * other in opposite orders), and only then, in statements of their own, their balances are read:
   * a statement that had waited for a lock would still sum with the snapshot it started with, and
   * miss the debit it waited for.
   */
  public static Future<Posting> post(SqlClient sql, String key, UUID session, String note, List<Leg> legs) {
    List<Leg> moving = legs.stream().filter(leg -> leg.amount() != 0).toList();
    if (moving.stream().mapToLong(Leg::amount).sum() != 0) {
      throw new IllegalArgumentException("a transfer must sum to zero: " + legs);
    }
    if (moving.isEmpty()) {
      return Future.succeededFuture(Posting.POSTED);
    }
    List<Leg> debits = moving.stream().filter(leg -> leg.account() == Account.WALLET && leg.amount() < 0)
        .sorted(Comparator.comparing(leg -> leg.user().value())).toList();
    if (debits.isEmpty()) {
      return insert(sql, key, session, note, moving);
    }
    Future<Boolean> affordable = Future.succeededFuture(true);
    for (Leg debit : debits) {
      affordable = affordable.compose(ok -> !ok ? Future.succeededFuture(false) : covers(sql, debit.user(), -debit.amount()));
    }
    // Posted before is posted, not unaffordable: the balance a retry finds has the first posting in it.
    return affordable.compose(ok -> ok ? insert(sql, key, session, note, moving)
        : posted(sql, key).map(before -> before ? Posting.ALREADY_POSTED : Posting.UNAFFORDABLE));
  }

  private static Future<Boolean> posted(SqlClient sql, String key) {
    return sql.preparedQuery("SELECT 1 FROM ledger_entries WHERE entry_key = $1 || ':1'").execute(Tuple.of(key)).map(rows -> rows.size() > 0);
  }

  private static Future<Boolean> covers(SqlClient sql, UserId user, long amount) {
    return sql.preparedQuery("SELECT id FROM accounts WHERE id = $1 FOR NO KEY UPDATE").execute(Tuple.of(user.value()))
        .compose(locked -> locked.size() == 0
            ? Future.succeededFuture(false)
            : sql.preparedQuery("SELECT coalesce(sum(amount), 0) AS balance FROM ledger_entries WHERE account = 'wallet' AND user_id = $1")
                .execute(Tuple.of(user.value()))
                .map(rows -> rows.iterator().next().getLong("balance") >= amount));
  }

  private static Future<Posting> insert(SqlClient sql, String key, UUID session, String note, List<Leg> legs) {
    int n = legs.size();
    String[] accounts = new String[n];
    UUID[] users = new UUID[n];
    String[] kinds = new String[n];
    Long[] amounts = new Long[n];
    for (int i = 0; i < n; i++) {
      Leg leg = legs.get(i);
      accounts[i] = leg.account().stored();
      users[i] = leg.user() == null ? null : leg.user().value();
      kinds[i] = leg.kind().stored();
      amounts[i] = leg.amount();
    }
    return sql.preparedQuery("INSERT INTO ledger_entries (transfer_id, account, user_id, kind, amount, session_id, entry_key, note)"
            + " SELECT $1, t.account, t.user_id, t.kind, t.amount, $2, $3 || ':' || t.leg, $4"
            + " FROM unnest($5::text[], $6::uuid[], $7::text[], $8::bigint[]) WITH ORDINALITY AS t(account, user_id, kind, amount, leg)"
            + " ON CONFLICT (entry_key) DO NOTHING")
        .execute(Tuple.of(UUID.randomUUID(), session, key, note, accounts, users, kinds, amounts))
        .map(rows -> rows.rowCount() == 0 ? Posting.ALREADY_POSTED : Posting.POSTED);
  }

  @Override
  public Future<Void> creditStartingBalance(SqlConnection conn, UserId user, long amount) {
    return post(conn, "initial:" + user, null, null, List.of(Leg.of(Account.FUNDING, EntryKind.INITIAL, -amount),
        Leg.wallet(user, EntryKind.INITIAL, amount))).mapEmpty();
  }

  @Override
  public Future<Long> balance(UserId user) {
    return pool.preparedQuery("SELECT coalesce(sum(amount), 0) AS balance FROM ledger_entries WHERE account = 'wallet' AND user_id = $1")
        .execute(Tuple.of(user.value()))
        .map(rows -> rows.iterator().next().getLong("balance"));
  }

  /** What one session cost its client and earned its expert so far, net of refunds. */
  public static Future<SessionMoney> ofSession(SqlClient sql, UUID session, UserId client, UserId expert) {
    return sql.preparedQuery("SELECT coalesce(-sum(amount) FILTER (WHERE user_id = $2), 0) AS charged,"
            + " coalesce(sum(amount) FILTER (WHERE user_id = $3), 0) AS earned"
            + " FROM ledger_entries WHERE session_id = $1 AND account = 'wallet'")
        .execute(Tuple.of(session, client.value(), expert.value()))
        .map(rows -> new SessionMoney(rows.iterator().next().getLong("charged"), rows.iterator().next().getLong("earned")));
  }

  /** A wallet's entries, newest first, at most {@code limit}; a hold says what became of it. */
  public Future<List<Entry>> entries(UserId user, int limit) {
    return pool.preparedQuery("SELECT e.id, e.kind, e.amount, e.session_id, e.note, e.created_at,"
            + " CASE WHEN e.kind <> 'hold' THEN NULL"
            + "   WHEN EXISTS (SELECT 1 FROM ledger_entries s WHERE s.session_id = e.session_id AND s.account = 'escrow' AND s.kind = 'capture')"
            + "   THEN 'paid'"
            + "   WHEN EXISTS (SELECT 1 FROM ledger_entries s WHERE s.session_id = e.session_id AND s.account = 'escrow' AND s.kind = 'release')"
            + "   THEN 'refunded' ELSE 'held' END AS settlement,"
            // Which consultation an entry is of, as its reader knows it: the topic and the other person; a
            // booking's before its session opens (the session then has the booking's id).
            + " coalesce(x.topic, b.topic) AS topic, p.display_name AS peer_name, x.id IS NULL AND b.id IS NOT NULL AS booked_only"
            + " FROM ledger_entries e LEFT JOIN sessions x ON x.id = e.session_id LEFT JOIN bookings b ON x.id IS NULL AND b.id = e.session_id"
            + " LEFT JOIN accounts p ON p.id = CASE WHEN coalesce(x.client_id, b.client_id) = $1 THEN coalesce(x.expert_id, b.expert_id)"
            + " ELSE coalesce(x.client_id, b.client_id) END"
            + " WHERE e.account = 'wallet' AND e.user_id = $1 ORDER BY e.created_at DESC, e.id LIMIT $2")
        .execute(Tuple.of(user.value(), limit))
        .map(rows -> {
          List<Entry> entries = new ArrayList<>();
          rows.forEach(row -> entries.add(new Entry(row.getUUID("id"), EntryKind.stored(row.getString("kind")), row.getLong("amount"),
              row.getUUID("session_id"), row.getString("note"), row.getOffsetDateTime("created_at").toInstant(), row.getString("settlement"),
              row.getString("topic"), row.getString("peer_name"), row.getBoolean("booked_only"))));
          return entries;
        });
  }

  /** The sum of every account of each kind; double entry keeps their total at zero. */
  public Future<List<AccountTotal>> totals() {
    return pool.query("SELECT account, sum(amount)::bigint AS balance FROM ledger_entries GROUP BY account ORDER BY account").execute()
        .map(rows -> {
          List<AccountTotal> totals = new ArrayList<>();
          rows.forEach(row -> totals.add(new AccountTotal(row.getString("account"), row.getLong("balance"))));
          return totals;
        });
  }

  /** The sum of one kind of account. */
  public record AccountTotal(String account, long balance) {}

  /** One wallet entry as its owner reads it; {@code settlement} (holds only): {@code held}, {@code paid} or {@code refunded}. */
  /**
   * A wallet's entry; of a session, with its {@code topic} and the other participant's name
   * ({@code peerName}); else those are null. {@code bookingOnly}: its {@code sessionId} names a
   * booking whose session never opened (cancelled, or still to come): there is no room to show.
   */
  public record Entry(UUID id, EntryKind kind, long amount, UUID sessionId, String note, java.time.Instant createdAt, String settlement,
      String topic, String peerName, boolean bookingOnly) {}

  /** A session's money for its participants: what the client was charged and what the expert earned, net. */
  public record SessionMoney(long charged, long earned) {}
}
