package io.tandem;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.RunningNode;
import io.tandem.testing.TestConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What /metrics serves follows Prometheus's naming rules: Prometheus's own linter
 * ({@code promtool check metrics}, Debian's {@code prometheus} package) finds nothing, and the
 * rules it enforced on earlier builds hold without it too.
 */
class MetricNamesTest {
  private static final String PROMTOOL = System.getenv().getOrDefault("TANDEM_PROMTOOL", "/usr/bin/promtool");
  private static String exposition;

  @BeforeAll
  static void scrape() {
    try (RunningNode node = RunningNode.start(TestConfig.defaults())) {
      node.http().get("/api/v1/topics");
      exposition = node.http().get("/metrics").text();
    }
  }

  @Test
  @DisplayName("no abbreviated units, no gauge named like a count, every counter in _total, the replaced JVM meters served in base units")
  void rules() {
    Pattern type = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE);
    Matcher m = type.matcher(exposition);
    int families = 0;
    while (m.find()) {
      families++;
      String name = m.group(1);
      String kind = m.group(2);
      assertThat(List.of(name.split("_"))).as(name).doesNotContainAnyElementsOf(List.of("ms", "ns", "us", "sec", "secs"));
      if (kind.equals("gauge")) {
        assertThat(name).as("a gauge").doesNotEndWith("_count").doesNotEndWith("_sum").doesNotEndWith("_total");
      }
      if (kind.equals("counter")) {
        assertThat(name).as("a counter").endsWith("_total");
      }
    }
    assertThat(families).isGreaterThan(50);
    assertThat(exposition).contains("jvm_compilation_time_seconds_total").contains("process_cpu_seconds_total")
        .contains("\nsystem_cpus ").doesNotContain("jvm_compilation_time_ms").doesNotContain("process_cpu_time_ns")
        .doesNotContain("system_cpu_count");
  }

  @Test
  @DisplayName("promtool check metrics reports nothing")
  void promtool() throws IOException, InterruptedException {
    boolean present = Files.isExecutable(Path.of(PROMTOOL));
    String missing = "promtool is missing (" + PROMTOOL + "): install it with `apt-get install prometheus`,"
        + " or point TANDEM_PROMTOOL at it";
    if (!present && Boolean.parseBoolean(System.getenv("TANDEM_REQUIRE_PROMTOOL"))) {
      throw new AssertionError(missing + " (TANDEM_REQUIRE_PROMTOOL is true)");
    }
    Assumptions.assumeTrue(present, missing);
    Process check = new ProcessBuilder(PROMTOOL, "check", "metrics").redirectErrorStream(true).start();
    check.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
    check.getOutputStream().close();
    String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    assertThat(said).as("promtool's findings").isEmpty();
    assertThat(check.exitValue()).isZero();
  }
}
