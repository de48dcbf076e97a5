package io.tandem.booking;

import static io.tandem.testing.BookingFixtures.bookableExpert;
import static io.tandem.testing.BookingFixtures.booking;
import static io.tandem.testing.BookingFixtures.slots;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.ServerProcess;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient;
import io.tandem.testing.TestConfig;
import io.tandem.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the node sending a reminder: a server in a JVM of its own claims a due reminder and
 * is stuck handing its e-mail to an SMTP server that never answers; it is killed; a node started
 * after it (on the same database) takes the claim over once it expires and sends the reminder,
 * once, to both sides.
 */
class ReminderNodeDeathTest {
  private static final Pattern NODE_ID = Pattern.compile("Tandem is ready: \\S+ \\(node ([0-9a-f-]+);");

  @Test
  @DisplayName("the node sending a reminder dies (kill -9) holding its claim: another node sends it once the claim expires, once, to both sides")
  void reminderOutlivesItsSender() throws Exception {
    GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
    List<Socket> held = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0)) {
      // An SMTP server that takes the connection and never says a word: the dying node's send hangs there.
      Thread accepting = new Thread(() -> {
        while (!silent.isClosed()) {
          try {
            held.add(silent.accept());
          } catch (java.io.IOException closed) {
            return;
          }
        }
      });
      accepting.setDaemon(true);
      accepting.start();
      Map<String, String> common = Map.of("db.url", TestDatabase.url(), "matching.sweepIntervalMs", "200", "bookings.reminderClaimSeconds", "5",
          "mail.smtp.startTls", "disabled", "mail.smtp.host", "127.0.0.1");
      java.util.HashMap<String, String> dying = new java.util.HashMap<>(common);
      dying.put("mail.smtp.port", String.valueOf(silent.getLocalPort()));
      String booking;
      String topic = Actors.uniqueTopic();
      Person expert;
      Person client;
      String victim;
      try (ServerProcess process = ServerProcess.start(dying)) {
        int port = process.awaitReady(Duration.ofSeconds(120));
        Matcher id = NODE_ID.matcher(process.output());
        assertThat(id.find()).as("the node says its id").isTrue();
        victim = id.group(1);
        TestClient http = new TestClient("http://127.0.0.1:" + port);
        expert = bookableExpert(http, port, topic);
        client = Actors.client(http, port);
        for (Person p : List.of(expert, client)) {
          http.put("/api/v1/me/email", new JsonObject().put("email", p.id() + "@example.com"), p.session().accessToken());
        }
        String start = slots(http, expert, Instant.now().plus(Duration.ofDays(2))).get(0);
        booking = http.post("/api/v1/bookings", booking(expert, topic, start), client.session().accessToken()).json().getString("id");
        Sql.update("UPDATE bookings SET created_at = now() - interval '2 days', start_at = now() + interval '5 minutes',"
            + " end_at = now() + interval '6 minutes', quiet_from = now(), free_cancel_until = now() WHERE id = ?::uuid", booking);
        Poll.until("the node claimed the reminder and is stuck sending it", Duration.ofSeconds(20),
            () -> victim.equals(Sql.string("SELECT claimed_by FROM booking_reminders WHERE booking_id = ?::uuid AND sent_at IS NULL", booking))
                && !held.isEmpty());
        expert.close();
        client.close();
        process.kill();
      }
      java.util.HashMap<String, String> surviving = new java.util.HashMap<>(common);
      surviving.remove("db.url");
      surviving.put("mail.smtp.port", String.valueOf(smtp.getSmtp().getPort()));
      try (RunningNode survivor = RunningNode.start(TestConfig.with(surviving))) {
        Poll.until("the reminder sent by the survivor", Duration.ofSeconds(30),
            () -> Sql.count("SELECT count(*) FROM booking_reminders WHERE booking_id = ?::uuid AND sent_at IS NOT NULL", booking) == 1);
        assertThat(Sql.string("SELECT claimed_by FROM booking_reminders WHERE booking_id = ?::uuid", booking)).isNotEqualTo(victim);
        assertThat(Sql.count("SELECT attempts FROM booking_reminders WHERE booking_id = ?::uuid", booking)).isEqualTo(2);
        assertThat(smtp.waitForIncomingEmail(10_000, 2)).isTrue();
        // Sweeps of the survivor go on: nothing more is sent.
        Poll.until("the survivor swept since", Duration.ofSeconds(5),
            () -> Sql.count("SELECT count(*) FROM booking_reminders WHERE booking_id = ?::uuid AND sent_at < now() - interval '1 second'", booking) == 1);
        List<String> to = new ArrayList<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
          to.add(m.getAllRecipients()[0].toString());
        }
        assertThat(to).containsExactlyInAnyOrder(expert.id() + "@example.com", client.id() + "@example.com");
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
      smtp.stop();
    }
  }
}
