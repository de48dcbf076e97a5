package io.tandem.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Liveness, readiness and Prometheus metrics: unauthenticated, for load balancers and scrapers. */
final class HealthRoutes {
  private final Supplier<Future<Map<String, String>>> readiness;
  private final PrometheusMeterRegistry metrics;

  HealthRoutes(Supplier<Future<Map<String, String>>> readiness, PrometheusMeterRegistry metrics) {
    this.readiness = readiness;
    this.metrics = metrics;
  }

  void mount(Router router) {
    router.get("/health").handler(Replies.json(200, ctx -> Future.succeededFuture(new JsonObject().put("status", "up"))));
    // 200 {status: "ready", dependencies: {database: "up", ...}}, else 503 with the contract's error
    // body and the same dependencies, each "up" or "down: <why>", so an operator sees which is down.
    router.get("/ready").handler(ctx -> readiness.get().onComplete(ar -> {
      Map<String, String> checks = ar.succeeded() ? ar.result() : Map.of("node", "down: " + ar.cause().getMessage());
      JsonObject dependencies = new JsonObject(new LinkedHashMap<>(checks));
      List<String> down = checks.entrySet().stream().filter(e -> !"up".equals(e.getValue())).map(Map.Entry::getKey).toList();
      if (down.isEmpty()) {
        Replies.send(ctx, 200, new JsonObject().put("status", "ready").put("dependencies", dependencies));
      } else {
        ctx.response().putHeader("Retry-After", Replies.RETRY_AFTER_SECONDS);
        Replies.send(ctx, 503, ApiError.unavailable("not ready: " + String.join(", ", down) + " down").toJson()
            .put("dependencies", dependencies));
      }
    }));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(metrics));
  }
}
