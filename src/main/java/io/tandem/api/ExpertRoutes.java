package io.tandem.api;

import io.tandem.auth.Role;
import io.tandem.expert.ExpertProfile;
import io.tandem.expert.ExpertProfileRepository;
import io.tandem.kernel.UserId;
import io.tandem.matching.ExpertStats;
import io.tandem.reliability.Reliability;
import io.tandem.topic.Topics;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** Experts' own profiles and the public view of them. */
final class ExpertRoutes {
  private final ExpertProfileRepository profiles;
  private final Reliability reliability;
  private final ExpertStats stats;
  private final Topics topics;

  /** {@code topics}: the catalogue a profile's topics must be in (topics.listedOnly). */
  ExpertRoutes(ExpertProfileRepository profiles, Reliability reliability, ExpertStats stats, Topics topics) {
    this.topics = topics;
    this.profiles = profiles;
    this.reliability = reliability;
    this.stats = stats;
  }

  void mount(Router router, BearerAuthentication authenticated) {
    router.put("/api/v1/experts/me").handler(authenticated).handler(Replies.json(200, ctx -> {
      UserId expert = Replies.caller(ctx, Role.EXPERT, "have an expert profile").id();
      ExpertProfile given = ExpertProfile.from(expert, Replies.body(ctx));
      given.offering().topics().forEach(topic -> topics.requireListed("topics", topic));
      return profiles.save(given).compose(saved -> saved
          .map(profile -> Future.succeededFuture(profile.toJson()))
          .orElseGet(() -> Future.failedFuture(ApiError.unauthorized("the account of this token no longer exists"))));
    }));

    router.get("/api/v1/me/stats").handler(authenticated).handler(Replies.json(200, ctx ->
        stats.of(Replies.caller(ctx, Role.EXPERT, "have offer statistics").id())));

    // Before ":id", which would take "me" for an id.
    router.get("/api/v1/experts/me").handler(authenticated).handler(Replies.json(200, ctx -> {
      UserId expert = Replies.caller(ctx, Role.EXPERT, "have an expert profile").id();
      ApiError none = ApiError.notFound("you have no expert profile yet: PUT /api/v1/experts/me makes it");
      return profiles.find(expert)
          .compose(found -> found.map(profile -> withStanding(expert, profile.toJson())).orElseGet(() -> Future.failedFuture(none)));
    }));

    router.get("/api/v1/experts/:id").handler(authenticated).handler(Replies.json(200, ctx -> {
      String id = ctx.pathParam("id");
      ApiError notFound = ApiError.notFound("there is no expert " + id);
      return UserId.parse(id)
          .map(expert -> profiles.publicProfile(expert)
              .compose(found -> found.map(profile -> withStanding(expert, profile)).orElseGet(() -> Future.failedFuture(notFound))))
          .orElseGet(() -> Future.failedFuture(notFound));
    }));
  }

  /** A profile with the expert's rating and reliability added, as both reads show it. */
  private Future<JsonObject> withStanding(UserId expert, JsonObject profile) {
    return Future.all(reliability.rating(expert), reliability.summary(expert))
        .map(both -> profile.put("rating", both.resultAt(0)).put("reliability", both.resultAt(1)));
  }
}
