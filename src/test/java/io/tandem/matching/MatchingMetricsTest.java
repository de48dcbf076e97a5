package io.tandem.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.TandemConfig;
import io.tandem.db.EmbeddedDatabase;
import io.tandem.db.EmbeddedDbConfig;
import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.Topic;
import io.tandem.testing.Actors.Pair;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.Actors;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Scratch;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MatchingMetricsTest {
  @Test
  @DisplayName("a topic tag is the priced root or 'other': clients choosing topics cannot grow the series")
  void boundedTopicTag() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MatchingMetrics metrics = new MatchingMetrics(registry, Set.of("career", "legal"), Clock.systemUTC());
    for (int i = 0; i < 50; i++) {
      metrics.requestCreated(new Topic("invented" + i + ".sub"));
    }
    metrics.requestCreated(new Topic("career.interview"));
    metrics.requestClosed(RequestStatus.EXPIRED, new Topic("legal"));

    assertThat(registry.find("tandem.requests").counters()).hasSize(2);
    assertThat(registry.get("tandem.requests").tag("topic", "other").counter().count()).isEqualTo(50);
    assertThat(registry.get("tandem.requests").tag("topic", "career").counter().count()).isEqualTo(1);
    assertThat(registry.get("tandem.requests.closed").tag("topic", "legal").tag("outcome", "expired").counter().count()).isEqualTo(1);
  }

  @Test
  @DisplayName("/metrics counts a consultation's life: created, offered, matched, started, completed, and a queue while it waits")
  void lifecycleInMetrics() {
    TandemConfig config = TestConfig.with(Map.of("matching.sweepIntervalMs", "200"));
    int shards = config.matching().shards();
    // A database of its own: the shards would otherwise also hold what other tests left queued, and the counts be theirs too.
    try (EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDbConfig.at(Scratch.directory("tandem-metrics-pg").resolve("data"), 0));
         RunningNode node = RunningNode.start(config, database.url())) {
      Poll.until("the node holds every shard", Duration.ofSeconds(10),
          () -> value(scrape(node), "tandem_shards_owned") == shards);
      String text = scrape(node);
      assertThat(value(text, "tandem_shard_lease_changes_total{change=\"acquired\"}")).isEqualTo(shards);

      try (Pair pair = Actors.matched(node)) {
        text = scrape(node);
        assertThat(value(text, "tandem_requests_total{topic=\"other\"}")).isEqualTo(1);
        assertThat(value(text, "tandem_offers_made_total")).isEqualTo(1);
        assertThat(value(text, "tandem_offers_total{outcome=\"accepted\"}")).isEqualTo(1);
        assertThat(value(text, "tandem_requests_closed_total{outcome=\"matched\",topic=\"other\"}")).isEqualTo(1);
        assertThat(value(text, "tandem_request_time_to_offer_seconds_count{topic=\"other\"}")).isEqualTo(1);
        assertThat(value(text, "tandem_request_time_to_match_seconds_count{topic=\"other\"}")).isEqualTo(1);
        assertThat(text).as("a histogram an operator can take quantiles of")
            .contains("tandem_request_time_to_match_seconds_bucket{topic=\"other\",le=\"1.0\"}");

        JsonObject join = new JsonObject().put("sessionId", pair.sessionId());
        pair.client().socket().ack("room.join", join);
        pair.expert().socket().ack("room.join", join);
        Poll.until("the session started", Duration.ofSeconds(5), () -> value(scrape(node), "tandem_sessions_started_total") == 1);
        pair.client().socket().ack("session.end", join);
        Poll.until("the session counted as completed", Duration.ofSeconds(5),
            () -> value(scrape(node), "tandem_sessions_ended_total{outcome=\"completed\"}") == 1);
        assertThat(scrape(node)).contains("tandem_no_shows_total{side=\"expert\"}").contains("tandem_no_shows_total{side=\"client\"}");
        Poll.until("the expert counted online", Duration.ofSeconds(5), () -> value(scrape(node), "tandem_experts_online") >= 1);
      }

      try (Person client = Actors.client(node)) {
        String requestId = client.socket().ack("request.create", Actors.request(Actors.uniqueTopic(), "chat")).getString("requestId");
        Poll.until("the waiting request shows in the queue", Duration.ofSeconds(5),
            () -> value(scrape(node), "tandem_matching_queue_depth{topic=\"other\"}") == 1);
        client.socket().ack("request.cancel", new JsonObject().put("requestId", requestId));
        Poll.until("the queue empties", Duration.ofSeconds(5),
            () -> value(scrape(node), "tandem_matching_queue_depth{topic=\"other\"}") == 0);
        assertThat(value(scrape(node), "tandem_requests_closed_total{outcome=\"cancelled\",topic=\"other\"}")).isEqualTo(1);
        assertThat(value(scrape(node), "tandem_requests_total{topic=\"other\"}")).isEqualTo(2);
      }
    }
  }

  private static String scrape(RunningNode node) {
    return node.http().get("/metrics").text();
  }

  /** The sample of {@code series} (name and labels exactly as exposed), or -1 when absent. */
  private static double value(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
