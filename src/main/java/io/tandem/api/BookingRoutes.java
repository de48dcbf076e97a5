package io.tandem.api;

import io.tandem.auth.Role;
import io.tandem.booking.Booking;
import io.tandem.booking.BookingConfig;
import io.tandem.booking.Bookings;
import io.tandem.kernel.BookingId;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.wire.ApiError;
import io.tandem.wire.JsonInput;
import io.tandem.wire.QueryNumbers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/** Bookings of experts for later: made, listed and cancelled by their two sides; the day's list for operators; the terms for anyone. */
final class BookingRoutes {
  private static final int DEFAULT_LIMIT = 50;
  private static final int MAX_LIMIT = 200;
  private static final int MAX_CONSOLE_DAYS = 31;

  private final Bookings bookings;
  private final Clock clock;

  BookingRoutes(Bookings bookings, Clock clock) {
    this.bookings = bookings;
    this.clock = clock;
  }

  void mount(Router router, BearerAuthentication authenticated) {
    router.get("/api/v1/booking-terms").handler(Replies.json(200, ctx -> io.vertx.core.Future.succeededFuture(terms(bookings.terms()))));
    router.post("/api/v1/bookings").handler(authenticated).handler(Replies.json(201, ctx -> {
      // The caller's role first: someone who may not book is told so whatever they sent.
      Bookings.requireClient(Replies.caller(ctx));
      return bookings.book(Replies.caller(ctx), request(Replies.body(ctx))).map(Booking::toJson);
    }));
    router.get("/api/v1/bookings/:id").handler(authenticated).handler(Replies.json(200, ctx ->
        bookings.get(Replies.caller(ctx), id(ctx.pathParam("id"))).map(Booking::toJson)));
    router.delete("/api/v1/bookings/:id").handler(authenticated).handler(Replies.json(200, ctx ->
        bookings.cancel(Replies.caller(ctx), id(ctx.pathParam("id"))).map(Booking::toJson)));
    router.get("/api/v1/me/bookings").handler(authenticated).handler(Replies.json(200, ctx -> {
      Long limit = QueryNumbers.parse("limit", ctx.queryParams().get("limit"), 1, MAX_LIMIT);
      return bookings.mine(Replies.caller(ctx), limit == null ? DEFAULT_LIMIT : limit.intValue()).map(BookingRoutes::list);
    }));
    // The console's day: bookings starting in [from, to), by default today (UTC).
    router.get("/api/v1/admin/bookings").handler(authenticated).handler(Replies.json(200, ctx -> {
      Replies.caller(ctx, Role.ADMIN, "read the operator console");
      Instant today = LocalDate.now(clock.withZone(ZoneOffset.UTC)).atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant from = QueryValues.optionalInstant("from", ctx.queryParams().get("from")).orElse(today);
      Instant to = QueryValues.optionalInstant("to", ctx.queryParams().get("to")).orElse(from.plus(Duration.ofDays(1)));
      if (!to.isAfter(from) || Duration.between(from, to).toDays() > MAX_CONSOLE_DAYS) {
        throw ApiError.badRequest("to must be after from, and at most " + MAX_CONSOLE_DAYS + " days after it");
      }
      Long limit = QueryNumbers.parse("limit", ctx.queryParams().get("limit"), 1, MAX_LIMIT);
      return bookings.starting(from, to, limit == null ? MAX_LIMIT : limit.intValue()).map(BookingRoutes::list);
    }));
  }

  private static JsonObject list(List<Booking> bookings) {
    return new JsonObject().put("bookings", new JsonArray(bookings.stream().map(Booking::toJson).toList()));
  }

  private static JsonObject terms(BookingConfig config) {
    return new JsonObject().put("freeCancelHours", config.freeCancel().toHours()).put("lateCancelFeePercent", config.lateCancelFeePercent())
        .put("noInstantBeforeMinutes", config.noInstantBefore().toMinutes());
  }

  private static BookingId id(String text) {
    return BookingId.parse(text).orElseThrow(() -> ApiError.notFound("you have no booking " + text));
  }

  /** {@code {expertId, topic, mode, startAt, brief?}}, each field checked with the contract's wording. */
  private static Bookings.BookingRequest request(JsonInput body) {
    String expertText = body.requiredString("expertId", 1, 64);
    UserId expert = UserId.parse(expertText).orElseThrow(() -> body.invalid("expertId", "'" + expertText + "' is not an expert's id"));
    Topic topic = body.requiredTopic("topic");
    Mode mode = body.requiredMode("mode");
    String startText = body.requiredString("startAt", 1, 64);
    Instant startAt = QueryValues.optionalInstant("startAt", startText).orElseThrow();
    String brief = body.optionalString("brief", 0, Bookings.BookingRequest.MAX_BRIEF_LENGTH).orElse("");
    return new Bookings.BookingRequest(expert, topic, mode, startAt, brief);
  }
}
