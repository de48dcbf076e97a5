package io.tandem.api;

import io.tandem.auth.Role;
import io.tandem.directory.ExpertDirectory;
import io.tandem.expert.ExpertProfile;
import io.tandem.kernel.UserId;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** Experts' own profiles and the public view of them: parsed and rendered here, served by the {@link ExpertDirectory}. */
final class ExpertRoutes {
  private final ExpertDirectory directory;

  ExpertRoutes(ExpertDirectory directory) {
    this.directory = directory;
  }

  void mount(Router router, BearerAuthentication authenticated) {
    router.put("/api/v1/experts/me").handler(authenticated).handler(Replies.json(200, ctx -> {
      UserId expert = Replies.caller(ctx, Role.EXPERT, "have an expert profile").id();
      return directory.save(ExpertProfile.from(expert, Replies.body(ctx))).map(ExpertProfile::toJson);
    }));

    router.get("/api/v1/me/stats").handler(authenticated).handler(Replies.json(200, ctx ->
        directory.offerStatistics(Replies.caller(ctx, Role.EXPERT, "have offer statistics").id()).map(stats -> stats.toJson())));

    // Before ":id", which would take "me" for an id.
    router.get("/api/v1/experts/me").handler(authenticated).handler(Replies.json(200, ctx -> {
      UserId expert = Replies.caller(ctx, Role.EXPERT, "have an expert profile").id();
      ApiError none = ApiError.notFound("you have no expert profile yet: PUT /api/v1/experts/me makes it");
      return directory.own(expert).compose(found -> found
          .map(own -> Future.succeededFuture(withStanding(own.profile().toJson(), own.standing())))
          .orElseGet(() -> Future.failedFuture(none)));
    }));

    router.get("/api/v1/experts/:id").handler(authenticated).handler(Replies.json(200, ctx -> {
      String id = ctx.pathParam("id");
      ApiError notFound = ApiError.notFound("there is no expert " + id);
      return UserId.parse(id)
          .map(expert -> directory.publicProfile(expert).compose(found -> found
              .map(listed -> Future.succeededFuture(withStanding(listed.expert().toJson(), listed.standing())))
              .orElseGet(() -> Future.failedFuture(notFound))))
          .orElseGet(() -> Future.failedFuture(notFound));
    }));
  }

  /** A profile with the expert's rating and reliability added, as both reads show it. */
  private static JsonObject withStanding(JsonObject profile, ExpertDirectory.Standing standing) {
    return profile.put("rating", standing.rating().toJson()).put("reliability", standing.reliability().toJson());
  }
}
