package io.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.db.EmbeddedDatabase;
import io.tandem.db.EmbeddedDbConfig;
import io.tandem.testing.Actors.Pair;
import io.tandem.testing.Actors;
import io.tandem.testing.LoggedErrors;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Scratch;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestConfig;
import io.tandem.testing.TestSocket;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database killed and frozen under a running node: a durable embedded PostgreSQL of this test's
 * own (its processes are signalled for real), one node in this JVM, real WebSockets.
 */
class DatabaseFaultsTest {
  private static final Logger log = LoggerFactory.getLogger(DatabaseFaultsTest.class);
  private static final Duration CALL_TIMEOUT = Duration.ofMillis(2000); // db.acquireTimeoutMs + db.statementTimeoutMs below

  /**
   * A node for database faults: calls bounded at 2 s, chat as fast as the test sends it, and
   * sessions that outlive the outages (nobody is judged for the database's absence).
   */
  static final Map<String, String> OUTAGE_TOLERANT = Map.of(
      "db.statementTimeoutMs", "1000",
      "db.acquireTimeoutMs", "1000",
      "ws.framesPerSecond", "2000",
      "ws.frameBurst", "2000",
      "session.reconnectGraceSeconds", "120",
      "session.joinWindowSeconds", "300");

  private static EmbeddedDatabase database;
  private static RunningNode node;

  @BeforeAll
  static void start() throws IOException {
    database = EmbeddedDatabase.start(EmbeddedDbConfig.at(Scratch.directory("tandem-faults-pg").resolve("data"), 0));
    node = RunningNode.start(TestConfig.with(OUTAGE_TOLERANT), database.url());
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (database != null) {
      database.close();
    }
  }

  @BeforeEach
  void databaseUp() {
    Poll.until("the node is ready (its database up)", Duration.ofSeconds(60), () -> node.http().get("/ready").status() == 200);
  }

  /** Every PostgreSQL process: the postmaster and its backends. */
  private static List<ProcessHandle> postgresProcesses() {
    ProcessHandle postmaster = database.postmaster().orElseThrow(() -> new AssertionError("PostgreSQL is not running"));
    List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
    all.add(postmaster);
    return all;
  }

  private static void signal(String signal, List<ProcessHandle> processes) throws Exception {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    processes.forEach(p -> command.add(String.valueOf(p.pid())));
    new ProcessBuilder(command).inheritIO().start().waitFor();
  }

  @Test
  @DisplayName("kill -9 of PostgreSQL mid-stream: it is restarted, every acknowledged message keeps its seq, both sides agree")
  void killedMidStream() throws Exception {
    try (Pair pair = Actors.matched(node); LoggedErrors errors = LoggedErrors.attach()) {
      String id = pair.sessionId();
      pair.client().socket().ack("room.join", new JsonObject().put("sessionId", id));
      pair.expert().socket().ack("room.join", new JsonObject().put("sessionId", id));
      Map<String, Integer> acked = new ConcurrentHashMap<>();
      AtomicInteger ackCount = new AtomicInteger();
      int perSender = 150;
      ExecutorService senders = Executors.newFixedThreadPool(2);
      List<Future<?>> sending = new ArrayList<>();
      for (Actors.Person sender : List.of(pair.client(), pair.expert())) {
        sending.add(senders.submit(() -> {
          for (int i = 0; i < perSender; i++) {
            String clientMsgId = "m" + i;
            JsonObject ack = Chat.sendUntilAcked(sender.socket(), id, clientMsgId, Duration.ofSeconds(60));
            acked.put(sender.id() + "/" + clientMsgId, ack.getInteger("seq"));
            ackCount.incrementAndGet();
          }
        }));
      }
      Poll.until("a stream is under way", Duration.ofSeconds(30), () -> ackCount.get() >= 60);
      long oldPostmaster = database.postmaster().orElseThrow().pid();
      signal("KILL", postgresProcesses());
      int ackedBeforeKill = ackCount.get();
      log.info("killed PostgreSQL (pid {}) after {} acknowledged messages", oldPostmaster, ackedBeforeKill);
      Poll.until("PostgreSQL has been restarted", Duration.ofSeconds(60),
          () -> database.postmaster().map(p -> p.pid() != oldPostmaster).orElse(false));
      for (Future<?> f : sending) {
        f.get(90, TimeUnit.SECONDS);
      }
      senders.shutdown();
      assertThat(ackedBeforeKill).as("the kill came mid-stream").isLessThan(2 * perSender);

      Map<Integer, String> stored = Chat.storedTranscript(database.url(), id);
      assertThat(stored).hasSize(2 * perSender);
      assertThat(stored.keySet()).as("seqs 1..n without gaps").containsExactlyElementsOf(
          java.util.stream.IntStream.rangeClosed(1, 2 * perSender).boxed().toList());
      acked.forEach((message, seq) -> assertThat(stored.get(seq)).as("acknowledged %s keeps seq %s", message, seq).isEqualTo(message));
      assertThat(Chat.liveView(pair.client().socket(), 2 * perSender)).as("the client's live view").isEqualTo(stored);
      assertThat(Chat.liveView(pair.expert().socket(), 2 * perSender)).as("the expert's live view").isEqualTo(stored);
      assertThat(errors.seen()).as("ERRORs: an outage is a WARN, not a stack trace per call").isEmpty();
    }
  }

  @Test
  @DisplayName("PostgreSQL frozen for 20 s: callers get 'unavailable' within the timeout, nothing acknowledged is lost, service resumes")
  void frozen() throws Exception {
    try (Pair pair = Actors.matched(node)) {
      String id = pair.sessionId();
      TestSocket client = pair.client().socket();
      client.ack("room.join", new JsonObject().put("sessionId", id));
      for (int i = 1; i <= 5; i++) {
        assertThat(Chat.sendUntilAcked(client, id, "before" + i, Duration.ofSeconds(10)).getInteger("seq")).isEqualTo(i);
      }
      List<ProcessHandle> frozen = postgresProcesses();
      signal("STOP", frozen);
      long frozenAt = System.nanoTime();
      try {
        long asked = System.nanoTime();
        JsonObject answer = client.call("room.send", new JsonObject().put("sessionId", id).put("clientMsgId", "during").put("text", "during"));
        Duration waited = Duration.ofNanos(System.nanoTime() - asked);
        assertThat(answer.getString("code")).isEqualTo("unavailable");
        assertThat(waited).as("answered within the call timeout, plus scheduling").isLessThan(CALL_TIMEOUT.plusSeconds(2));

        asked = System.nanoTime();
        Response me = node.http().get("/api/v1/me", pair.client().session().accessToken());
        waited = Duration.ofNanos(System.nanoTime() - asked);
        assertThat(me.status()).isEqualTo(503);
        assertThat(me.errorCode()).isEqualTo("unavailable");
        assertThat(me.header("Retry-After")).isEqualTo("2");
        assertThat(waited).isLessThan(CALL_TIMEOUT.plusSeconds(2));

        Response ready = node.http().get("/ready");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().getJsonObject("dependencies").getString("database")).startsWith("down");
        log.info("frozen PostgreSQL: room.send and GET /api/v1/me answered 'unavailable'; holding the freeze for 20 s");
        Poll.until("20 s of freeze have passed", Duration.ofSeconds(25), () -> System.nanoTime() - frozenAt >= Duration.ofSeconds(20).toNanos());
      } finally {
        signal("CONT", frozen);
      }
      long thawedAt = System.nanoTime();
      JsonObject resent = Chat.sendUntilAcked(client, id, "during", Duration.ofSeconds(10));
      Duration resumed = Duration.ofNanos(System.nanoTime() - thawedAt);
      log.info("service resumed {} ms after the thaw", resumed.toMillis());
      assertThat(resumed).isLessThan(Duration.ofSeconds(10));
      assertThat(resent.getInteger("seq")).isEqualTo(6);
      assertThat(Chat.sendUntilAcked(client, id, "after", Duration.ofSeconds(10)).getInteger("seq")).isEqualTo(7);

      Map<Integer, String> stored = Chat.storedTranscript(database.url(), id);
      String from = pair.client().id() + "/";
      assertThat(stored).containsExactlyEntriesOf(new TreeMap<>(Map.of(1, from + "before1", 2, from + "before2", 3, from + "before3",
          4, from + "before4", 5, from + "before5", 6, from + "during", 7, from + "after")));
      Poll.until("/ready is 200 again", Duration.ofSeconds(10), () -> node.http().get("/ready").status() == 200);
    }
  }
}
