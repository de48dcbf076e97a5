package io.tandem.auth;

import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refresh tokens, stored only as SHA-256 hashes. A token works once: rotation marks it used with a
 * conditional update ({@code WHERE used_at IS NULL}), so two concurrent refreshes with one token
 * cannot both succeed. A used token presented again revokes its whole family (it leaked).
 */
public final class RefreshTokenRepository {
  private static final Logger log = LoggerFactory.getLogger(RefreshTokenRepository.class);

  private final Pool pool;

  public RefreshTokenRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> insert(byte[] tokenHash, UserId owner, UUID family, Instant expiresAt) {
    return insert(pool, tokenHash, owner, family, expiresAt);
  }

  /**
   * Spends {@code presented} and stores {@code next} in its family, in one transaction.
   *
   * @return the token's owner, or empty when the token is unknown, expired, revoked or already used
   */
  public Future<Optional<AuthenticatedUser>> rotate(byte[] presented, byte[] next, Instant nextExpiresAt) {
    return pool.withTransaction(conn -> conn.preparedQuery(
                "UPDATE refresh_tokens t SET used_at = now() FROM accounts a"
                    + " WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > now()"
                    + " AND a.id = t.account_id RETURNING t.account_id, t.family_id, a.role")
            .execute(Tuple.of(presented))
            .compose(rows -> {
              if (rows.size() == 0) {
                return revokeFamilyIfReused(conn, presented).map(Optional.<AuthenticatedUser>empty());
              }
              Row row = rows.iterator().next();
              AuthenticatedUser owner = new AuthenticatedUser(
                  new UserId(row.getUUID("account_id")), Role.fromWire(row.getString("role")).orElseThrow());
              return insert(conn, next, owner.id(), row.getUUID("family_id"), nextExpiresAt).map(Optional.of(owner));
            }));
  }

  private static Future<Void> revokeFamilyIfReused(SqlConnection conn, byte[] presented) {
    return conn.preparedQuery("UPDATE refresh_tokens SET revoked_at = now() WHERE revoked_at IS NULL AND family_id IN"
            + " (SELECT family_id FROM refresh_tokens WHERE token_hash = $1 AND used_at IS NOT NULL) RETURNING account_id")
        .execute(Tuple.of(presented))
        .map(rows -> {
          if (rows.size() > 0) {
            log.warn("a used refresh token of user {} was presented again; its token family is revoked",
                rows.iterator().next().getUUID("account_id"));
          }
          return null;
        });
  }

  private static Future<Void> insert(SqlClient client, byte[] tokenHash, UserId owner, UUID family, Instant expiresAt) {
    return client.preparedQuery("INSERT INTO refresh_tokens (token_hash, account_id, family_id, expires_at) VALUES ($1, $2, $3, $4)")
        .execute(Tuple.of(tokenHash, owner.value(), family, expiresAt.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }
}
