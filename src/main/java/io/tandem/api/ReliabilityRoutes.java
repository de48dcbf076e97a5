package io.tandem.api;

import io.tandem.reliability.Reliability;
import io.tandem.wire.JsonInput;
import io.vertx.ext.web.Router;

/** A person's penalties, and ratings. */
final class ReliabilityRoutes {
  private final Reliability reliability;

  ReliabilityRoutes(Reliability reliability) {
    this.reliability = reliability;
  }

  void mount(Router router, BearerAuthentication authenticated) {
    router.get("/api/v1/me/penalties").handler(authenticated).handler(Replies.json(200, ctx ->
        reliability.penaltiesOf(Replies.caller(ctx).id()).map(Reliability.PenaltyRecord::toJson)));
    router.post("/api/v1/sessions/:id/ratings").handler(authenticated).handler(Replies.json(201, ctx -> {
      Reliability.ratedSession(ctx.pathParam("id"));
      JsonInput body = Replies.body(ctx);
      int stars = body.requiredInt("stars", 1, 5);
      String comment = body.optionalString("comment", 0, Reliability.MAX_COMMENT_LENGTH).orElse("");
      return reliability.rate(Replies.caller(ctx), ctx.pathParam("id"), stars, comment).map(Reliability.RatingGiven::toJson);
    }));
  }
}
