package io.tandem.booking;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors.Person;
import io.tandem.testing.BookingFixtures;
import io.tandem.testing.LedgerInvariants;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestClient.Session;
import io.tandem.testing.TestConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Clients on two clustered nodes (Hazelcast over TCP on 127.0.0.1) booking the same slot at the same moment. */
class BookingRaceTest {
  private static final int CLIENTS_PER_NODE = 4;

  private static Map<String, String> clustered(String name) {
    return Map.of("cluster.enabled", "true", "cluster.name", name, "cluster.leaseSeconds", "3");
  }

  @Test
  @DisplayName("eight clients on two nodes book one slot at once: exactly one is confirmed and holds the price, seven get 409 slot_taken and keep their money")
  void oneWinnerAcrossNodes() throws Exception {
    String name = "test-" + UUID.randomUUID();
    try (RunningNode first = RunningNode.start(TestConfig.with(clustered(name)));
         RunningNode second = RunningNode.start(TestConfig.with(clustered(name)))) {
      String topic = io.tandem.testing.Actors.uniqueTopic();
      try (Person expert = BookingFixtures.bookableExpert(first, topic)) {
        String start = BookingFixtures.slots(first.http(), expert, Instant.now().plus(Duration.ofDays(3))).get(0);
        List<TestClient> via = new ArrayList<>();
        List<Session> clients = new ArrayList<>();
        for (int i = 0; i < 2 * CLIENTS_PER_NODE; i++) {
          TestClient http = (i % 2 == 0 ? first : second).http();
          via.add(http);
          clients.add(http.signUp("client"));
        }
        long before = first.http().get("/api/v1/me", clients.get(0).accessToken()).json().getLong("balance");
        CyclicBarrier together = new CyclicBarrier(clients.size());
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        List<Future<Response>> answers = new ArrayList<>();
        try {
          for (int i = 0; i < clients.size(); i++) {
            TestClient http = via.get(i);
            Session client = clients.get(i);
            answers.add(pool.submit(() -> {
              together.await();
              return http.post("/api/v1/bookings", BookingFixtures.booking(expert, topic, start), client.accessToken());
            }));
          }
          int confirmed = 0;
          for (int i = 0; i < answers.size(); i++) {
            Response answer = answers.get(i).get();
            long balance = via.get(i).get("/api/v1/me", clients.get(i).accessToken()).json().getLong("balance");
            if (answer.status() == 201) {
              confirmed++;
              assertThat(balance).as("the winner's price is held").isEqualTo(before - answer.json().getJsonObject("price").getLong("amount"));
            } else {
              assertThat(answer.status()).as(answer.text()).isEqualTo(409);
              assertThat(answer.json().getJsonObject("error").getString("reason")).isEqualTo("slot_taken");
              assertThat(balance).as("a loser keeps their money").isEqualTo(before);
            }
          }
          assertThat(confirmed).isEqualTo(1);
        } finally {
          pool.shutdownNow();
        }
        assertThat(Sql.count("SELECT count(*) FROM bookings WHERE expert_id = ?::uuid AND status = 'confirmed'", expert.id())).isEqualTo(1);
        LedgerInvariants.check("after the race");
      }
    }
  }
}
