package io.tandem.api;

import io.tandem.auth.Role;
import io.tandem.expert.ExpertProfile;
import io.tandem.expert.ExpertProfileRepository;
import io.tandem.kernel.UserId;
import io.tandem.reliability.Reliability;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/** Experts' own profiles and the public view of them. */
final class ExpertRoutes {
  private final ExpertProfileRepository profiles;
  private final Reliability reliability;

  ExpertRoutes(ExpertProfileRepository profiles, Reliability reliability) {
    this.profiles = profiles;
    this.reliability = reliability;
  }

  void mount(Router router, BearerAuthentication authenticated) {
    router.put("/api/v1/experts/me").handler(authenticated).handler(Replies.json(200, ctx -> {
      UserId expert = Replies.caller(ctx, Role.EXPERT, "have an expert profile").id();
      return profiles.save(ExpertProfile.from(expert, Replies.body(ctx))).map(ExpertProfile::toJson);
    }));

    router.get("/api/v1/experts/:id").handler(authenticated).handler(Replies.json(200, ctx -> {
      String id = ctx.pathParam("id");
      ApiError notFound = ApiError.notFound("there is no expert " + id);
      return UserId.parse(id)
          .map(expert -> profiles.publicProfile(expert)
              .compose(found -> found.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(notFound)))
              .compose(profile -> Future.all(reliability.rating(expert), reliability.summary(expert))
                  .map(both -> profile.put("rating", both.resultAt(0)).put("reliability", both.resultAt(1)))))
          .orElseGet(() -> Future.failedFuture(notFound));
    }));
  }
}
