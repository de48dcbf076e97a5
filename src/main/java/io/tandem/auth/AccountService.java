package io.tandem.auth;

import io.tandem.kernel.UserId;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import java.util.Optional;
import io.vertx.core.Vertx;

/** Sign-up, log-in and token refresh. Password hashing runs on worker threads, never on an event loop. */
public final class AccountService {
  private final Vertx vertx;
  private final AccountRepository accounts;
  private final PasswordHasher hasher;
  private final Tokens tokens;
  private final Wallets wallets;
  /** What a new client starts with (ledger.initialBalance). */
  private final long initialBalance;

  public AccountService(Vertx vertx, AccountRepository accounts, PasswordHasher hasher, Tokens tokens, Wallets wallets, long initialBalance) {
    this.vertx = vertx;
    this.accounts = accounts;
    this.hasher = hasher;
    this.tokens = tokens;
    this.wallets = wallets;
    this.initialBalance = initialBalance;
  }

  /** The new account; {@code conflict} when the username is taken (in any letter case). */
  public Future<Account> register(Registration registration) {
    return vertx.executeBlocking(() -> hasher.hash(registration.password()), false)
        // A new client's starting money comes from the stand-in for a payment provider.
        .compose(hash -> accounts.insert(registration.username(), hash, registration.role(), registration.displayName(),
            registration.role() == Role.CLIENT ? initialBalance : 0))
        .compose(created -> created
            .map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(ApiError.conflict("the username " + registration.username() + " is taken"))));
  }

  public Future<Long> balance(UserId id) {
    return wallets.balance(id);
  }

  /** Tokens for a correct username and password; {@code unauthorized} otherwise, in the same time either way. */
  public Future<TokenPair> login(String username, String password) {
    return accounts.findCredentials(username)
        .compose(found -> vertx.executeBlocking(() -> {
          if (found.isEmpty()) {
            hasher.verifyDecoy(password);
            return null;
          }
          return hasher.verify(password, found.get().passwordHash()) ? found.get().account() : null;
        }, false))
        .compose(account -> account == null
            ? Future.failedFuture(ApiError.unauthorized("the username or password is wrong"))
            : tokens.issue(new AuthenticatedUser(account.id(), account.role())));
  }

  public Future<TokenPair> refresh(String refreshToken) {
    return tokens.refresh(refreshToken);
  }

  public Future<Account> find(UserId id) {
    return accounts.find(id)
        .compose(found -> found
            .map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(ApiError.unauthorized("the account of this token no longer exists"))));
  }

  /** The longest e-mail address a mail server must take (RFC 5321's path limit, less its brackets). */
  public static final int MAX_EMAIL_LENGTH = 254;
  private static final java.util.regex.Pattern EMAIL = java.util.regex.Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s.]+");

  /**
   * {@code PUT /api/v1/me/email}: where the caller's booking reminders go by e-mail, or empty for
   * none. Only its shape is checked (something@domain.tld, no spaces): mail to a wrong address bounces at the sender's server.
   */
  public Future<Optional<String>> setEmail(UserId id, Optional<String> email) {
    if (email.isPresent() && !EMAIL.matcher(email.get()).matches()) {
      throw ApiError.badRequest("email must look like name@example.com, without spaces");
    }
    return accounts.setEmail(id, email).compose(set -> set ? Future.succeededFuture(email)
        : Future.failedFuture(ApiError.unauthorized("the account of this token no longer exists")));
  }
}
