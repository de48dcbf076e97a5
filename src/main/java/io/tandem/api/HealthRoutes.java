package io.tandem.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.function.Supplier;

/** Liveness, readiness and Prometheus metrics: unauthenticated, for load balancers and scrapers. */
final class HealthRoutes {
  private final Supplier<Future<Void>> readiness;
  private final PrometheusMeterRegistry metrics;

  HealthRoutes(Supplier<Future<Void>> readiness, PrometheusMeterRegistry metrics) {
    this.readiness = readiness;
    this.metrics = metrics;
  }

  void mount(Router router) {
    router.get("/health").handler(Replies.json(200, ctx -> Future.succeededFuture(new JsonObject().put("status", "up"))));
    router.get("/ready").handler(Replies.json(200, ctx -> readiness.get()
        .map(ok -> new JsonObject().put("status", "ready"))
        .recover(cause -> Future.failedFuture(ApiError.unavailable("not ready: " + cause.getMessage())))));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(metrics));
  }
}
