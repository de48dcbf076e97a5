package io.tandem.api;

import io.tandem.auth.Role;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.UserId;
import io.tandem.reliability.Ratings;
import io.tandem.reliability.Reliability;
import io.tandem.wire.ApiError;
import io.tandem.wire.JsonInput;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/** A person's penalties, ratings, and an expert's report of a review. */
final class ReliabilityRoutes {
  private final Reliability reliability;
  private final Ratings ratings;

  ReliabilityRoutes(Reliability reliability, Ratings ratings) {
    this.reliability = reliability;
    this.ratings = ratings;
  }

  void mount(Router router, BearerAuthentication authenticated) {
    router.get("/api/v1/me/penalties").handler(authenticated).handler(Replies.json(200, ctx ->
        reliability.penaltiesOf(Replies.caller(ctx).id()).map(Reliability.PenaltyRecord::toJson)));
    router.post("/api/v1/sessions/:id/ratings").handler(authenticated).handler(Replies.json(201, ctx -> {
      Ratings.ratedSession(ctx.pathParam("id"));
      JsonInput body = Replies.body(ctx);
      int stars = body.requiredInt("stars", 1, 5);
      String comment = body.optionalString("comment", 0, Ratings.MAX_COMMENT_LENGTH).orElse("");
      return ratings.rate(Replies.caller(ctx), ctx.pathParam("id"), stars, comment).map(Ratings.RatingGiven::toJson);
    }));
    // The expert a review is about reports it to the operators; it stays shown until one of them hides it.
    router.post("/api/v1/experts/me/reviews/:id/report").handler(authenticated).handler(Replies.json(200, ctx -> {
      UserId expert = Replies.caller(ctx, Role.EXPERT, "report a review of them").id();
      String id = ctx.pathParam("id");
      ApiError none = ApiError.notFound("you have no review " + id);
      SessionId review = SessionId.parse(id).orElseThrow(() -> none);
      String reason = Replies.body(ctx).requiredString("reason", 1, Ratings.MAX_REASON_LENGTH);
      return ratings.report(expert, review, reason).compose(reported -> reported
          .map(r -> Future.succeededFuture(r.toJson()))
          .orElseGet(() -> Future.failedFuture(none)));
    }));
  }
}
