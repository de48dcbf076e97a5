package io.tandem.api;

import io.tandem.auth.AccountService;
import io.tandem.auth.Registration;
import io.tandem.wire.JsonInput;
import io.vertx.ext.web.Router;

/** Sign-up, tokens and {@code /me}. */
final class AccountRoutes {
  private final AccountService accounts;

  AccountRoutes(AccountService accounts) {
    this.accounts = accounts;
  }

  void mount(Router router, BearerAuthentication authenticated) {
    router.post("/api/v1/accounts").handler(Replies.json(201, ctx ->
        accounts.register(Registration.from(Replies.body(ctx))).map(account -> account.toJson())));

    router.post("/api/v1/tokens").handler(Replies.json(200, ctx -> {
      JsonInput body = Replies.body(ctx);
      return accounts.login(body.requiredString("username", 1, 64), body.requiredString("password", 1, 128))
          .map(tokens -> tokens.toJson());
    }));

    router.post("/api/v1/tokens/refresh").handler(Replies.json(200, ctx ->
        accounts.refresh(Replies.body(ctx).requiredString("refreshToken", 1, 128)).map(tokens -> tokens.toJson())));

    router.get("/api/v1/me").handler(authenticated).handler(Replies.json(200, ctx ->
        accounts.find(Replies.caller(ctx).id())
            .compose(account -> accounts.balance(account.id()).map(balance -> account.toJson().put("balance", balance)))));
  }
}
