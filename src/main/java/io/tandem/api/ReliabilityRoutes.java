package io.tandem.api;

import io.tandem.reliability.Ledger;
import io.tandem.reliability.Reliability;
import io.vertx.ext.web.Router;

/** Penalties, ratings, the ledger, and the admin's waiver. */
final class ReliabilityRoutes {
  private final Reliability reliability;
  private final Ledger ledger;

  ReliabilityRoutes(Reliability reliability, Ledger ledger) {
    this.reliability = reliability;
    this.ledger = ledger;
  }

  void mount(Router router, BearerAuthentication authenticated) {
    router.get("/api/v1/me/penalties").handler(authenticated).handler(Replies.json(200, ctx ->
        reliability.penaltiesOf(Replies.caller(ctx).id())));
    router.get("/api/v1/me/ledger").handler(authenticated).handler(Replies.json(200, ctx ->
        ledger.statement(Replies.caller(ctx).id())));
    router.post("/api/v1/sessions/:id/ratings").handler(authenticated).handler(Replies.json(201, ctx ->
        reliability.rate(Replies.caller(ctx), ctx.pathParam("id"), Replies.body(ctx))));
    router.post("/api/v1/admin/penalties/:id/waive").handler(authenticated).handler(Replies.json(200, ctx ->
        reliability.waive(Replies.caller(ctx), ctx.pathParam("id"), Replies.body(ctx))));
  }
}
