package io.tandem.api;

import io.tandem.auth.AccountService;
import io.tandem.auth.Registration;
import io.tandem.wire.ApiError;
import io.tandem.wire.JsonInput;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Optional;

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
            .compose(account -> accounts.balance(account.id()).map(balance -> account.toJson().put("balance", balance)
                .put("email", account.email().orElse(null))))));
    // Where booking reminders go by e-mail: {"email": "name@example.com"}, or null to stop them.
    router.put("/api/v1/me/email").handler(authenticated).handler(Replies.json(200, ctx -> {
      JsonInput body = Replies.body(ctx);
      // Removing it takes an explicit null: a body without the field (a typo in its name) changes nothing.
      if (!body.json().containsKey("email")) {
        throw ApiError.badRequest("email is required: an address, or null to stop reminders by e-mail");
      }
      Optional<String> email = body.json().getValue("email") == null ? Optional.empty()
          : Optional.of(body.requiredString("email", 3, AccountService.MAX_EMAIL_LENGTH).trim());
      return accounts.setEmail(Replies.caller(ctx).id(), email).map(set -> new JsonObject().put("email", set.orElse(null)));
    }));
  }
}
