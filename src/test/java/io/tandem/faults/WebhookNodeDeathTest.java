package io.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.db.EmbeddedDatabase;
import io.tandem.db.EmbeddedDbConfig;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.Actors;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Scratch;
import io.tandem.testing.ServerProcess;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient;
import io.tandem.testing.TestConfig;
import io.tandem.testing.WebhookReceiver.Delivery;
import io.tandem.testing.WebhookReceiver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * At least once across node deaths: a node killed (-9) while its receiver holds a delivery leaves the
 * delivery claimed; once the claim runs out, whichever node is alive sends it again, same id.
 */
class WebhookNodeDeathTest {
  @Test
  @DisplayName("kill -9 of the node in the middle of a delivery: the surviving node delivers the same event again, same id and body")
  void nodeDiesMidDelivery() throws Exception {
    try (EmbeddedDatabase database = EmbeddedDatabase.start(
            EmbeddedDbConfig.at(Scratch.directory("tandem-webhook-death-pg").resolve("data"), 0));
         WebhookReceiver receiver = WebhookReceiver.start()) {
      Map<String, String> webhooks = Map.of(
          "db.url", database.url(),
          "webhooks.url", receiver.url(),
          "webhooks.secret", "node-death-secret-0123456789",
          "webhooks.pollIntervalMs", "50",
          // The claim lasts this plus five seconds: how long the survivor waits before it sends again.
          "webhooks.timeoutMs", "2000");
      CompletableFuture<Delivery> held = new CompletableFuture<>();
      receiver.answer(d -> {
        held.complete(d);
        return WebhookReceiver.HOLD;
      });
      Delivery first;
      try (ServerProcess doomed = ServerProcess.start(webhooks)) {
        int port = doomed.awaitReady(Duration.ofSeconds(120));
        try (Person client = Actors.client(new TestClient("http://127.0.0.1:" + port), port)) {
          client.socket().ack("request.create", Actors.request(Actors.uniqueTopic(), "chat"));
          first = held.get(20, TimeUnit.SECONDS);
          doomed.kill();
        }
      }
      assertThat(first.type()).isEqualTo("request.created");
      assertThat(Sql.rowsAt(database.url(), "SELECT state, attempts FROM webhook_deliveries d JOIN webhook_events e ON e.seq = d.event_seq"
          + " WHERE e.id = ?::uuid", first.id())).as("claimed by the dead node, not settled")
          .extracting(row -> row[0] + "/" + row[1]).containsExactly("pending/1");

      receiver.answer(d -> 200);
      try (RunningNode survivor = RunningNode.start(TestConfig.with(webhooks), database.url())) {
        Poll.until("the survivor delivers the event again", Duration.ofSeconds(20),
            () -> receiver.received().stream().filter(d -> d.id().equals(first.id())).count() == 2);
        List<Delivery> again = receiver.received().stream().filter(d -> d.id().equals(first.id())).toList();
        assertThat(again.get(1).body()).isEqualTo(first.body());
        Poll.until("settled as delivered on the second attempt", Duration.ofSeconds(5), () -> Sql.rowsAt(database.url(),
            "SELECT state, attempts FROM webhook_deliveries d JOIN webhook_events e ON e.seq = d.event_seq WHERE e.id = ?::uuid",
            first.id()).stream().map(row -> row[0] + "/" + row[1]).toList().equals(List.of("delivered/2")));
      }
    }
  }
}
