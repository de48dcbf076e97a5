package io.tandem.auth;

import io.tandem.config.ConfigException;
import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Accounts in PostgreSQL. Usernames are unique regardless of case (a unique index is the guard). */
public final class AccountRepository {
  private static final Logger log = LoggerFactory.getLogger(AccountRepository.class);
  private static final String COLUMNS = "id, username, role, display_name, created_at, email";

  private final Pool pool;

  private final Wallets wallets;

  public AccountRepository(Pool pool, Wallets wallets) {
    this.pool = pool;
    this.wallets = wallets;
  }

  /**
   * The new account, or empty when the username is taken. {@code initialCredit} (minor units) is
   * paid into its wallet in the same transaction, so an account never exists without it.
   */
  public Future<Optional<Account>> insert(String username, String passwordHash, Role role, String displayName, long initialCredit) {
    return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO accounts (username, password_hash, role, display_name)"
            + " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING " + COLUMNS)
        .execute(Tuple.of(username, passwordHash, role.wireName(), displayName))
        .map(AccountRepository::first)
        .compose(created -> created.isEmpty() || initialCredit == 0
            ? Future.succeededFuture(created)
            : wallets.creditStartingBalance(conn, created.get().id(), initialCredit).map(created)));
  }

  /**
   * Creates or updates the configured administrators. A configured username that belongs to a
   * client or expert stops start-up: admin rights never go to an account somebody signed up for.
   */
  public Future<Void> ensureAdmins(List<Admin> admins) {
    Future<Void> done = Future.succeededFuture();
    for (Admin admin : admins) {
      done = done.compose(v -> pool.preparedQuery("INSERT INTO accounts AS a (username, password_hash, role, display_name)"
              + " VALUES ($1, $2, 'admin', $1) ON CONFLICT ((lower(username))) DO UPDATE SET password_hash = excluded.password_hash"
              + " WHERE a.role = 'admin' RETURNING id")
          .execute(Tuple.of(admin.username(), admin.passwordHash()))
          .compose(rows -> rows.size() > 0
              ? Future.succeededFuture()
              : Future.failedFuture(new ConfigException("configuration key auth.admins: the username " + admin.username()
                  + " belongs to an account that is not an administrator"))));
    }
    // Said once at start: an operator who configured administrators sees that they were taken.
    return done.onSuccess(v -> {
      if (!admins.isEmpty()) {
        log.info("administrators configured (auth.admins): {}", String.join(", ", admins.stream().map(Admin::username).toList()));
      }
    });
  }

  public Future<Optional<Account>> find(UserId id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM accounts WHERE id = $1")
        .execute(Tuple.of(id.value()))
        .map(AccountRepository::first);
  }

  /** Sets (or, empty, removes) where the account's reminders go by e-mail; false when the account is gone. */
  public Future<Boolean> setEmail(UserId id, Optional<String> email) {
    return pool.preparedQuery("UPDATE accounts SET email = $2 WHERE id = $1").execute(Tuple.of(id.value(), email.orElse(null)))
        .map(rows -> rows.rowCount() == 1);
  }

  /** An account with its password hash, for logging in. */
  public record Credentials(Account account, String passwordHash) {}

  public Future<Optional<Credentials>> findCredentials(String username) {
    return pool.preparedQuery("SELECT " + COLUMNS + ", password_hash FROM accounts WHERE lower(username) = lower($1)")
        .execute(Tuple.of(username))
        .map(rows -> first(rows).map(account -> new Credentials(account, rows.iterator().next().getString("password_hash"))));
  }

  private static Optional<Account> first(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    Row row = rows.iterator().next();
    return Optional.of(new Account(
        new UserId(row.getUUID("id")),
        row.getString("username"),
        Role.fromWire(row.getString("role")).orElseThrow(),
        row.getString("display_name"),
        row.getOffsetDateTime("created_at").toInstant(),
        Optional.ofNullable(row.getString("email"))));
  }

  /** Suspensions, set and lifted inside the caller's transaction; they need no state of a repository's. */
  public static final AccountSuspensions SUSPENSIONS = new AccountSuspensions() {
    @Override
    public Future<Void> suspendUntil(SqlClient sql, UserId user, Instant until) {
      // An operator's suspension that has run out no longer shields this one from a waiver.
      return sql.preparedQuery("UPDATE accounts SET suspended_until = greatest(coalesce(suspended_until, $2), $2),"
              + " suspended_by_operator = suspended_by_operator AND coalesce(suspended_until > now(), false) WHERE id = $1")
          .execute(Tuple.of(user.value(), until.atOffset(ZoneOffset.UTC))).mapEmpty();
    }

    @Override
    public Future<Void> lift(SqlClient sql, UserId user) {
      return sql.preparedQuery("UPDATE accounts SET suspended_until = NULL WHERE id = $1 AND suspended_until > now() AND NOT suspended_by_operator")
          .execute(Tuple.of(user.value())).mapEmpty();
    }

    @Override
    public Future<Instant> suspendByOperator(SqlClient sql, UserId user, Instant until) {
      return sql.preparedQuery("UPDATE accounts SET suspended_until = greatest(coalesce(suspended_until, $2), $2), suspended_by_operator = true"
              + " WHERE id = $1 RETURNING suspended_until")
          .execute(Tuple.of(user.value(), until.atOffset(ZoneOffset.UTC)))
          .map(rows -> rows.iterator().next().getOffsetDateTime("suspended_until").toInstant());
    }

    @Override
    public Future<Boolean> reinstate(SqlClient sql, UserId user) {
      return sql.preparedQuery("UPDATE accounts SET suspended_until = NULL, suspended_by_operator = false WHERE id = $1 AND suspended_until > now()")
          .execute(Tuple.of(user.value())).map(rows -> rows.rowCount() > 0);
    }
  };
}
