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
import io.tandem.testing.Sql;
import io.tandem.testing.TestConfig;
import io.tandem.testing.WebhookReceiver;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Reminders before a booking's start, sent by two clustered nodes that both sweep: in the app, by
 * e-mail to an in-process SMTP server (GreenMail), and as webhook events, each once; a reminder a
 * dead node had claimed is sent by a live one when the claim expires.
 */
class ReminderTest {
  private static GreenMail smtp;
  private static WebhookReceiver hooks;

  @BeforeAll
  static void start() {
    smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
    hooks = WebhookReceiver.start();
  }

  @AfterAll
  static void stop() {
    smtp.stop();
    hooks.close();
  }

  private static Map<String, String> config(String cluster) {
    Map<String, String> config = new HashMap<>(Map.of("cluster.enabled", "true", "cluster.name", cluster, "cluster.leaseSeconds", "3",
        "mail.smtp.host", "127.0.0.1", "mail.smtp.port", String.valueOf(smtp.getSmtp().getPort()), "mail.smtp.startTls", "disabled",
        "mail.appUrl", "https://tandem.example.com", "webhooks.url", hooks.url(), "webhooks.pollIntervalMs", "50"));
    config.put("matching.sweepIntervalMs", "200");
    config.put("webhooks.secret", "whsec_reminder-test-secret-0123456789");
    return config;
  }

  @Test
  @DisplayName("two nodes sweep: each due reminder goes out once in the app, by e-mail and as a webhook; only the nearest due lead; none for a late booking; a dead node's claim taken over")
  void onceEach() throws Exception {
    String cluster = "test-" + UUID.randomUUID();
    try (RunningNode first = RunningNode.start(TestConfig.with(config(cluster)));
         RunningNode second = RunningNode.start(TestConfig.with(config(cluster)))) {
      String topic = Actors.uniqueTopic();
      try (Person expert = bookableExpert(first, topic); Person client = Actors.client(second)) {
        for (Person p : List.of(expert, client)) {
          assertThat(first.http().put("/api/v1/me/email", new JsonObject().put("email", p.id() + "@example.com"), p.session().accessToken())
              .status()).isEqualTo(200);
        }
        assertThat(first.http().get("/api/v1/me", client.session().accessToken()).json().getString("email")).isEqualTo(client.id() + "@example.com");
        List<String> starts = slots(first.http(), expert, Instant.now().plus(Duration.ofDays(2)));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          ids.add(first.http().post("/api/v1/bookings", booking(expert, topic, starts.get(i)), client.session().accessToken()).json().getString("id"));
        }
        String soon = ids.get(0);
        String tomorrow = ids.get(1);
        String late = ids.get(2);
        String abandoned = ids.get(3);
        // A dead node's claim, made while the booking was still far off: it runs out in 3 seconds.
        Sql.update("INSERT INTO booking_reminders (booking_id, lead_minutes, claimed_by, claimed_until)"
            + " VALUES (?::uuid, 10, 'a-node-that-died', now() + interval '3 seconds')", abandoned);
        // Each moved into place (their slots are days ahead): within 10 minutes, within a day, and one booked 2 hours before its start.
        move(soon, "now() - interval '2 days'", "now() + interval '5 minutes'");
        move(tomorrow, "now() - interval '2 days'", "now() + interval '23 hours'");
        move(late, "now()", "now() + interval '2 hours'");
        move(abandoned, "now() - interval '2 days'", "now() + interval '8 minutes'");

        JsonObject inApp = client.socket().awaitEvent("booking.reminder", e -> soon.equals(e.getString("bookingId")));
        assertThat(inApp.getInteger("leadMinutes")).isEqualTo(10);
        assertThat(inApp.getJsonObject("peer").getString("role")).isEqualTo("expert");
        expert.socket().awaitEvent("booking.reminder", e -> soon.equals(e.getString("bookingId")));
        Poll.until("three reminders recorded sent", Duration.ofSeconds(20),
            () -> Sql.count("SELECT count(*) FROM booking_reminders WHERE booking_id = ANY(string_to_array(?, ',')::uuid[]) AND sent_at IS NOT NULL",
                String.join(",", ids)) == 3);
        assertThat(Sql.count("SELECT attempts FROM booking_reminders WHERE booking_id = ?::uuid", abandoned)).as("taken over once").isEqualTo(2);
        assertThat(Sql.string("SELECT claimed_by FROM booking_reminders WHERE booking_id = ?::uuid", abandoned)).isNotEqualTo("a-node-that-died");
        assertThat(smtp.waitForIncomingEmail(10_000, 6)).as("two e-mails for each of three reminders").isTrue();
        // More sweeps of both nodes pass: nothing is sent again.
        Poll.until("both nodes swept again", Duration.ofSeconds(5), () -> Sql.count("SELECT count(*) FROM booking_reminders WHERE"
            + " booking_id = ANY(string_to_array(?, ',')::uuid[]) AND sent_at < now() - interval '1 second'", String.join(",", ids)) == 3);
        Map<String, Integer> mails = new HashMap<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
          mails.merge(m.getHeader("Message-ID")[0], 1, Integer::sum);
        }
        assertThat(mails).hasSize(6).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
        assertThat(mails.keySet()).anySatisfy(id -> assertThat(id).contains(soon + "-10-"))
            .anySatisfy(id -> assertThat(id).contains(tomorrow + "-1440-")).anySatisfy(id -> assertThat(id).contains(abandoned + "-10-"))
            .noneSatisfy(id -> assertThat(id).contains(late)).noneSatisfy(id -> assertThat(id).contains(soon + "-1440-"));
        MimeMessage one = smtp.getReceivedMessages()[0];
        assertThat((String) one.getContent()).contains("https://tandem.example.com/#/bookings").contains("预约");
        Poll.until("a webhook event for each reminder", Duration.ofSeconds(20), () -> hooks.received().stream()
            .filter(d -> d.type().equals("booking.reminder")).map(d -> d.json().getJsonObject("data").getString("bookingId")).distinct().count() == 3);
        assertThat(hooks.received().stream().filter(d -> d.type().equals("booking.reminder")).map(WebhookReceiver.Delivery::id).distinct().count())
            .as("one event each").isEqualTo(3);
      }
    }
  }

  private static void move(String booking, String createdAt, String startAt) {
    Sql.update("UPDATE bookings SET created_at = " + createdAt + ", start_at = " + startAt + ", end_at = " + startAt + " + interval '1 minute',"
        + " quiet_from = " + startAt + ", free_cancel_until = " + startAt + " WHERE id = ?::uuid", booking);
  }
}
