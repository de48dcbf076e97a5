package io.tandem.api;

import io.tandem.matching.RequestService;
import io.tandem.money.MoneyFeature;
import io.tandem.money.Statements;
import io.tandem.money.TopUp;
import io.vertx.ext.web.Router;
import java.util.HashMap;
import java.util.Map;

/** Prices before asking, wallets, top-ups, and the payment provider's confirmations. */
final class MoneyRoutes {
  private final MoneyFeature money;
  private final RequestService requests;

  MoneyRoutes(MoneyFeature money, RequestService requests) {
    this.money = money;
    this.requests = requests;
  }

  void mount(Router router, BearerAuthentication authenticated) {
    // No sign-in needed: a price is shown before anyone signs up.
    router.get("/api/v1/quotes").handler(Replies.json(200, ctx ->
        io.vertx.core.Future.succeededFuture(requests.quote(QueryValues.requiredTopic(ctx.queryParams().get("topic")),
            QueryValues.requiredMode(ctx.queryParams().get("mode"))).toJson())));
    router.get("/api/v1/me/ledger").handler(authenticated).handler(Replies.json(200, ctx ->
        money.statements().statement(Replies.caller(ctx).id()).map(Statements.Statement::toJson)));
    router.post("/api/v1/wallet/top-ups").handler(authenticated).handler(Replies.json(201, ctx ->
        // The amount as given (its bounds are the server's, checked after who asks and with what key).
        money.topUps().create(Replies.caller(ctx), Replies.body(ctx).optionalInt("amount", Integer.MIN_VALUE, Integer.MAX_VALUE).map(Integer::longValue),
            ctx.request().getHeader("Idempotency-Key")).map(TopUp::toJson)));
    router.get("/api/v1/wallet/top-ups/:id").handler(authenticated).handler(Replies.json(200, ctx ->
        money.topUps().get(Replies.caller(ctx), ctx.pathParam("id")).map(TopUp::toJson)));
    // The provider signs its webhooks: no bearer token, the signature over the raw body is the proof.
    router.post("/api/v1/payments/webhooks/:provider").handler(Replies.json(200, ctx -> {
      Map<String, String> headers = new HashMap<>();
      ctx.request().headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
      String body = ctx.body().buffer() == null ? "" : ctx.body().asString();
      return money.topUps().confirm(ctx.pathParam("provider"), headers, body, System.currentTimeMillis() / 1000).map(TopUp::toJson);
    }));
  }
}
