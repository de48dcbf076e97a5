package io.tandem.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** Accounts in PostgreSQL. Usernames are unique regardless of case (a unique index is the guard). */
public final class AccountRepository {
  private static final String COLUMNS = "id, username, role, display_name, created_at";

  private final Pool pool;

  public AccountRepository(Pool pool) {
    this.pool = pool;
  }

  /** The new account, or empty when the username is taken. */
  public Future<Optional<Account>> insert(String username, String passwordHash, Role role, String displayName) {
    return pool.preparedQuery("INSERT INTO accounts (username, password_hash, role, display_name) VALUES ($1, $2, $3, $4)"
            + " ON CONFLICT DO NOTHING RETURNING " + COLUMNS)
        .execute(Tuple.of(username, passwordHash, role.wireName(), displayName))
        .map(AccountRepository::first);
  }

  public Future<Optional<Account>> find(UserId id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM accounts WHERE id = $1")
        .execute(Tuple.of(id.value()))
        .map(AccountRepository::first);
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
        row.getOffsetDateTime("created_at").toInstant()));
  }
}
