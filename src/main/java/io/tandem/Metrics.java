package io.tandem;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The node's Prometheus registry: every series /metrics serves, named as Prometheus expects
 * ({@code promtool check metrics} reports nothing; .ci/run checks it).
 *
 * <p>Micrometer's JVM and process meters, which Vert.x binds, break three of Prometheus's naming
 * rules: counters in abbreviated units ({@code jvm_compilation_time_ms_total},
 * {@code process_cpu_time_ns_total}) and a gauge named like a summary's count
 * ({@code system_cpu_count}). They are dropped, and served again in base units under
 * conventional names: {@code jvm_compilation_time_seconds_total}, {@code process_cpu_seconds_total}
 * (the name Prometheus's own client libraries use) and {@code system_cpus}.
 */
final class Metrics {
  /** Meters by name and the base unit that breaks the rules: denied, replaced in {@link #bindReplacements}. */
  private static final Map<String, String> DROPPED = Map.of("jvm.compilation.time", "ms", "process.cpu.time", "ns");

  private Metrics() {}

  static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config()
        .meterFilter(new MeterFilter() {
          @Override
          public MeterFilterReply accept(Meter.Id id) {
            return id.getBaseUnit() != null && id.getBaseUnit().equals(DROPPED.get(id.getName()))
                ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
          }

          @Override
          public Meter.Id map(Meter.Id id) {
            return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
          }
        })
        .meterFilter(HTTP_LATENCY_BUCKETS);
    bindReplacements(registry);
    return registry;
  }

  private static void bindReplacements(MeterRegistry registry) {
    CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    if (compiler != null && compiler.isCompilationTimeMonitoringSupported()) {
      FunctionCounter.builder("jvm.compilation.time", compiler, c -> c.getTotalCompilationTime() / 1000.0)
          .baseUnit("seconds")
          .description("The time the JIT compiler has spent compiling")
          .tag("compiler", compiler.getName())
          .register(registry);
    }
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        && os.getProcessCpuTime() >= 0) {
      FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9)
          .baseUnit("seconds")
          .description("The CPU time the process has used")
          .register(registry);
    }
  }

  /**
   * HTTP answer times as a histogram with fixed buckets, 5 ms to 10 s: percentiles by route in
   * PromQL (histogram_quantile), at eleven buckets a series (route, method and status make a few
   * hundred series; Micrometer's automatic percentile histogram would give each about seventy).
   */
  private static final MeterFilter HTTP_LATENCY_BUCKETS = new MeterFilter() {
    @Override
    public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
      if (!id.getName().equals("vertx.http.server.response.time")) {
        return config;
      }
      return DistributionStatisticConfig.builder()
          .serviceLevelObjectives(Stream.of(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000)
              .mapToDouble(ms -> TimeUnit.MILLISECONDS.toNanos(ms)).toArray())
          .build().merge(config);
    }
  };
}
