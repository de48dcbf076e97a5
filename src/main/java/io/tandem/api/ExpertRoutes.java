package io.tandem.api;

import io.tandem.auth.Role;
import io.tandem.directory.Availability;
import io.tandem.directory.ExpertDirectory;
import io.tandem.expert.ExpertProfile;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.wire.ApiError;
import io.tandem.wire.QueryNumbers;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Experts' own profiles and the public view of them: parsed and rendered here, served by the {@link ExpertDirectory}. */
final class ExpertRoutes {
  /** The directory's pages: 20 experts each unless asked for up to 50, and no further than page 500. */
  static final int DEFAULT_PAGE_SIZE = 20;
  static final int MAX_PAGE_SIZE = 50;
  static final int MAX_PAGE = 500;
  /** Slots are listed for a week unless asked for another range. */
  static final int DEFAULT_SLOT_DAYS = 7;

  private final ExpertDirectory directory;
  private final Clock clock;

  ExpertRoutes(ExpertDirectory directory, Clock clock) {
    this.directory = directory;
    this.clock = clock;
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

    router.put("/api/v1/experts/me/availability").handler(authenticated).handler(Replies.json(200, ctx -> {
      UserId expert = Replies.caller(ctx, Role.EXPERT, "take bookings").id();
      return directory.saveAvailability(expert, AvailabilityInput.read(Replies.body(ctx), clock)).map(Availability::toJson);
    }));
    router.get("/api/v1/experts/me/availability").handler(authenticated).handler(Replies.json(200, ctx -> {
      UserId expert = Replies.caller(ctx, Role.EXPERT, "take bookings").id();
      ApiError none = ApiError.notFound("you have not said when you take bookings yet: PUT /api/v1/experts/me/availability");
      return directory.availability(expert).compose(found -> found
          .map(a -> Future.succeededFuture(a.toJson()))
          .orElseGet(() -> Future.failedFuture(none)));
    }));

    // Anyone may read who the experts are, signed in or not: a client chooses before asking.
    router.get("/api/v1/experts").handler(Replies.json(200, ctx -> {
      MultiMap query = ctx.queryParams();
      Topic topic = QueryValues.requiredTopic(query.get("topic"));
      Optional<Mode> mode = QueryValues.optionalMode(query.get("mode"));
      String online = query.get("online");
      if (online != null && !online.equals("true") && !online.equals("false")) {
        throw ApiError.badRequest("online must be true or false, got " + online);
      }
      Long page = QueryNumbers.parse("page", query.get("page"), 1, MAX_PAGE);
      Long pageSize = QueryNumbers.parse("pageSize", query.get("pageSize"), 1, MAX_PAGE_SIZE);
      return directory.browse(topic, mode, "true".equals(online), page == null ? 1 : page.intValue(),
          pageSize == null ? DEFAULT_PAGE_SIZE : pageSize.intValue()).map(ExpertDirectory.Browse::toJson);
    }));

    router.get("/api/v1/experts/:id/slots").handler(Replies.json(200, ctx -> {
      String id = ctx.pathParam("id");
      ApiError notFound = ApiError.notFound("there is no expert " + id);
      MultiMap query = ctx.queryParams();
      Instant now = clock.instant();
      Instant from = QueryValues.optionalInstant("from", query.get("from")).orElse(now);
      Instant to = QueryValues.optionalInstant("to", query.get("to")).orElse(from.plus(Duration.ofDays(DEFAULT_SLOT_DAYS)));
      Optional<Mode> mode = QueryValues.optionalMode(query.get("mode"));
      return UserId.parse(id)
          .map(expert -> directory.slots(expert, mode, from, to, now).compose(found -> found
              .map(openings -> Future.succeededFuture(openings.toJson()))
              .orElseGet(() -> Future.failedFuture(notFound))))
          .orElseGet(() -> Future.failedFuture(notFound));
    }));

    router.get("/api/v1/experts/:id").handler(Replies.json(200, ctx -> {
      String id = ctx.pathParam("id");
      ApiError notFound = ApiError.notFound("there is no expert " + id);
      return UserId.parse(id)
          .map(expert -> directory.publicProfile(expert).compose(found -> found
              .map(profile -> Future.succeededFuture(profile.toJson()))
              .orElseGet(() -> Future.failedFuture(notFound))))
          .orElseGet(() -> Future.failedFuture(notFound));
    }));
  }

  /** A profile with the expert's rating and reliability added, as both reads show it. */
  private static JsonObject withStanding(JsonObject profile, ExpertDirectory.Standing standing) {
    return profile.put("rating", standing.rating().toJson()).put("reliability", standing.reliability().toJson());
  }
}
