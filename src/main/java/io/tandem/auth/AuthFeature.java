package io.tandem.auth;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/** Accounts and tokens, as the rest of the node uses them. */
public record AuthFeature(Tokens tokens, AccountRepository accounts, AccountService service, PasswordHasher hasher) {
  /** {@code jwtSecret} and {@code hasher} come from blocking work done before (reading a key file, sizing Argon2). */
  public static AuthFeature build(Vertx vertx, Pool pool, AuthConfig config, long initialBalance, byte[] jwtSecret, PasswordHasher hasher, Wallets wallets) {
    Tokens tokens = new Tokens(vertx, jwtSecret, config, new RefreshTokenRepository(pool));
    AccountRepository accounts = new AccountRepository(pool, wallets);
    return new AuthFeature(tokens, accounts, new AccountService(vertx, accounts, hasher, tokens, wallets, initialBalance), hasher);
  }
}
