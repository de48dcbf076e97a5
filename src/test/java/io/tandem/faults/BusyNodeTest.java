package io.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Pair;
import io.tandem.testing.LoggedErrors;
import io.tandem.testing.Poll;
import io.tandem.testing.Sql;
import io.tandem.testing.RunningNode;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A node kept busy for a while logs no ERROR, and its pool gauges stay sane. */
class BusyNodeTest {
  private static final Pattern POOL_GAUGE = Pattern.compile("^vertx_pool_(queue_pending|in_use)\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
  private static final Duration BUSY_FOR = Duration.ofSeconds(20);

  @Test
  @DisplayName("a node busy with chat and matching for 20 s, on a small pool, logs no ERROR, no pool gauge goes negative,"
      + " and no shard lease changes hands")
  void busyNodeStaysClean() throws Exception {
    // A small main pool, as a node under load sees it: shards reconcile every lease tick beside requests.
    try (LoggedErrors errors = LoggedErrors.attach();
         RunningNode node = RunningNode.start(TestConfig.with(Map.of(
        "db.poolSize", "4",
        "cluster.leaseSeconds", "3",
        "ws.framesPerSecond", "1000",
        "ws.frameBurst", "1000")))) {
      List<Pair> pairs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        Pair pair = Actors.matched(node);
        pair.client().socket().ack("room.join", new JsonObject().put("sessionId", pair.sessionId()));
        pair.expert().socket().ack("room.join", new JsonObject().put("sessionId", pair.sessionId()));
        pairs.add(pair);
      }
      // Leases last 3 s and are renewed every second: under load, none may lapse and be taken again.
      Poll.until("every shard is held", Duration.ofSeconds(15), () -> Sql.count("SELECT count(*) FROM shard_leases WHERE expires_at > now()")
          == TestConfig.defaults().matching().shards());
      String leasesBefore = Sql.string("SELECT string_agg(shard || ':' || epoch || ':' || owner_node, ',' ORDER BY shard) FROM shard_leases");
      AtomicBoolean busy = new AtomicBoolean(true);
      ExecutorService load = Executors.newFixedThreadPool(pairs.size() + 1);
      List<Future<Integer>> senders = new ArrayList<>();
      for (Pair pair : pairs) {
        senders.add(load.submit(() -> {
          int sent = 0;
          while (busy.get()) {
            JsonObject ack = pair.client().socket().call("room.send",
                new JsonObject().put("sessionId", pair.sessionId()).put("clientMsgId", "m" + sent).put("text", "busy " + sent));
            assertThat(ack.getString("type")).as("room.send under load: %s", ack.encode()).isEqualTo("ack");
            sent++;
          }
          return sent;
        }));
      }
      // Requests arriving and being cancelled keep the shards, the pool and the sweeps working too.
      Future<Integer> requests = load.submit(() -> {
        int made = 0;
        try (Actors.Person client = Actors.client(node)) {
          while (busy.get()) {
            String id = client.socket().ack("request.create", Actors.request(Actors.uniqueTopic(), "chat")).getString("requestId");
            client.socket().ack("request.cancel", new JsonObject().put("requestId", id));
            made++;
          }
        }
        return made;
      });

      List<String> negative = new ArrayList<>();
      int samples = 0;
      int gauges = 0;
      long until = System.nanoTime() + BUSY_FOR.toNanos();
      while (System.nanoTime() < until) {
        String metrics = node.http().get("/metrics").text();
        Matcher gauge = POOL_GAUGE.matcher(metrics);
        while (gauge.find()) {
          gauges++;
          if (Double.parseDouble(gauge.group(3)) < 0) {
            negative.add(gauge.group(0));
          }
        }
        samples++;
        long next = System.nanoTime() + Duration.ofMillis(250).toNanos();
        Poll.until("the next sample is due", Duration.ofSeconds(1), () -> System.nanoTime() >= next);
      }
      busy.set(false);
      int messages = 0;
      for (Future<Integer> sender : senders) {
        messages += sender.get(30, TimeUnit.SECONDS);
      }
      int made = requests.get(30, TimeUnit.SECONDS);
      load.shutdown();
      pairs.forEach(Pair::close);
      LoggerFactory.getLogger(BusyNodeTest.class).info("busy for {}: {} chat messages, {} requests made and cancelled, {} metric samples",
          BUSY_FOR, messages, made, samples);

      assertThat(messages).as("the node was busy").isGreaterThan(1000);
      assertThat(gauges).as("pool gauges read from /metrics").isGreaterThan(samples);
      assertThat(negative).as("pool gauges that went negative").isEmpty();
      assertThat(errors.seen()).as("ERRORs logged while busy").isEmpty();
      assertThat(Sql.string("SELECT string_agg(shard || ':' || epoch || ':' || owner_node, ',' ORDER BY shard) FROM shard_leases"))
          .as("shard, epoch and owner of every lease, before and after").isEqualTo(leasesBefore);
    }
  }
}
