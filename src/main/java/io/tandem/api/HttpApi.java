package io.tandem.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tandem.auth.AuthFeature;
import io.tandem.auth.Tokens;
import io.tandem.booking.Bookings;
import io.tandem.db.DatabaseOutages;
import io.tandem.directory.ExpertDirectory;
import io.tandem.loadtest.Seeder;
import io.tandem.matching.MatchingFeature;
import io.tandem.money.MoneyFeature;
import io.tandem.operator.OperatorFeature;
import io.tandem.reliability.ReliabilityFeature;
import io.tandem.session.SessionFeature;
import io.tandem.webhook.WebhookAdmin;
import io.tandem.wire.ApiError;
import io.tandem.wire.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every HTTP route of the contract, and the one place where failures become error bodies. */
public final class HttpApi {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  private final HttpConfig config;
  private final AccountRoutes accounts;
  private final ExpertRoutes experts;
  private final BookingRoutes bookings;
  private final RequestRoutes requests;
  private final SessionRoutes sessions;
  private final ReliabilityRoutes records;
  private final MoneyRoutes money;
  private final Optional<Seeder> seeder;
  private final HealthRoutes health;
  private final OperatorRoutes operator;
  private final WebhookRoutes webhooks;
  private final ContractRoutes contract = new ContractRoutes();
  private final Tokens tokens;
  private final DatabaseOutages outages;
  private static final String SEED_PATH = "/api/v1/loadtest/seed";

  /**
   * @param readiness each dependency (the database, when clustered the cluster) and {@code "up"} or why it is down
   * @param outages turns failures into contract errors and bounds how long a request waits for the database
   */
  public HttpApi(
      HttpConfig config,
      AuthFeature auth,
      ExpertDirectory directory,
      Bookings bookings,
      MatchingFeature matching,
      SessionFeature sessionFeature,
      ReliabilityFeature reliability,
      MoneyFeature money,
      Optional<Seeder> seeder,
      OperatorFeature operator,
      Supplier<Future<Map<String, String>>> readiness,
      DatabaseOutages outages,
      PrometheusMeterRegistry metrics,
      WebhookAdmin webhooks) {
    this.webhooks = new WebhookRoutes(webhooks);
    this.outages = outages;
    this.config = config;
    this.tokens = auth.tokens();
    this.accounts = new AccountRoutes(auth.service());
    this.experts = new ExpertRoutes(directory, java.time.Clock.systemUTC());
    this.bookings = new BookingRoutes(bookings, java.time.Clock.systemUTC());
    this.records = new ReliabilityRoutes(reliability.reliability(), reliability.ratings());
    this.money = new MoneyRoutes(money, matching.requests());
    this.seeder = seeder;
    this.requests = new RequestRoutes(matching.requests());
    this.sessions = new SessionRoutes(sessionFeature.views());
    this.health = new HealthRoutes(readiness, metrics);
    this.operator = new OperatorRoutes(operator);
  }

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    // First, before any route with a path: Vert.x throws while normalising a path, or decoding a
    // query, with a broken escape (%ZZ, a lone %), which would be logged as a server error and
    // answered without the contract's body. It is the caller's mistake: 400, like any malformed request.
    router.route().handler(ctx -> {
      if (wellEscaped(ctx.request().path()) && (ctx.request().query() == null || wellEscaped(ctx.request().query()))) {
        ctx.next();
      } else {
        Replies.error(ctx, ApiError.badRequest("the path or query is malformed: every '%' must start an escape of two hex digits"));
      }
    });
    health.mount(router);
    // Load-test seeding exists only when loadTest.seedEnabled is true: otherwise the path is a plain 404.
    // Mounted before the call timeout: seeding thousands of accounts may take longer, and is not a user's call.
    seeder.ifPresent(s -> router.post(SEED_PATH).handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
        .handler(Replies.json(201, ctx -> s.seed(Replies.body(ctx)))));
    // A request that waits longer than this for the database is answered 503 unavailable; what it
    // started may still complete (a retry with the same Idempotency-Key finds it).
    // Pathless, these three, and so for every route after them (the API and the web app): a route
    // with a path (such as /api/*) would add itself to every request's route label in the metrics.
    router.route().handler(TimeoutHandler.create(outages.callTimeout().toMillis(), 503));
    // The server's clock on every answer (RFC 9110 asks origin servers for it): clients correct
    // offer countdowns and session ages for their own clock's skew with it.
    router.route().handler(ctx -> {
      ctx.response().putHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
      ctx.next();
    });
    router.route().handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
    BearerAuthentication authenticated = new BearerAuthentication(tokens);
    contract.mount(router);
    accounts.mount(router, authenticated);
    experts.mount(router, authenticated);
    bookings.mount(router, authenticated);
    requests.mount(router, authenticated);
    sessions.mount(router, authenticated);
    records.mount(router, authenticated);
    money.mount(router, authenticated);
    operator.mount(router, authenticated);
    webhooks.mount(router, authenticated);

    new WebAppRoutes(config.webrootDir()).mount(router);

    router.route().failureHandler(this::fail);
    router.errorHandler(404, ctx -> Replies.error(ctx, ApiError.notFound("no such resource: " + ctx.request().path())));
    // 405 with the contract's bad_request body, and Allow naming what the path does take.
    router.errorHandler(405, ctx -> {
      String allowed = String.join(", ", AllowedMethods.of(router, ctx.request().path()));
      ctx.response().putHeader("Allow", allowed);
      Replies.send(ctx, 405, new ApiError(ErrorCode.BAD_REQUEST,
          ctx.request().method() + " is not allowed on " + ctx.request().path() + "; it takes " + allowed).toJson());
    });
    router.errorHandler(500, this::fail);
    router.errorHandler(503, this::fail);
    return router;
  }

  /** Whether every {@code %} in a raw path or query starts an escape of two hex digits (RFC 3986, 2.1). */
  static boolean wellEscaped(String path) {
    for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
      if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0 || Character.digit(path.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Known errors go to the caller as they are; outages become {@code unavailable}; anything else is a bug, logged with its stack. */
  private void fail(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    String what = ctx.request().method() + " " + ctx.request().path();
    if (ctx.statusCode() == 413) {
      Replies.error(ctx, ApiError.tooLarge("the body is larger than " + config.maxBodyBytes() + " bytes"));
    } else if (ctx.statusCode() == 400 && failure == null) {
      Replies.error(ctx, ApiError.badRequest("the request is malformed"));
    } else if (ctx.statusCode() == 503 && failure == null) {
      Replies.error(ctx, outages.answer(new TimeoutException("no answer within " + outages.callTimeout().toMillis() + " ms"), what));
    } else {
      Replies.error(ctx, outages.answer(failure, what));
    }
  }
}
