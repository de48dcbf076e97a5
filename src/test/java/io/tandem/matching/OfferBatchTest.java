package io.tandem.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Sql;
import io.tandem.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The guards of {@code make_offers} (migration V8), the one round trip in which a shard writes a
 * batch of offers, raced against the real database: batches of two shards proposing the same
 * experts at the same moment never put an expert above capacity, a request is never offered twice,
 * and a batch from a node whose lease is gone or stale writes nothing. Shards 900 and up are this
 * test's own (the nodes of other tests hold 0 to 15).
 */
class OfferBatchTest {
  private static final String NODE = "offer-batch-test";
  private static String jdbc;

  @BeforeAll
  static void leases() throws Exception {
    jdbc = "jdbc:postgresql://localhost:" + TestDatabase.url().replaceAll(".*:(\\d+)/.*", "$1") + "/postgres";
    for (int shard : new int[] {900, 901}) {
      Sql.update("INSERT INTO shard_leases (shard, owner_node, epoch, expires_at) VALUES (?, ?, 3, now() + interval '1 hour')"
          + " ON CONFLICT (shard) DO UPDATE SET owner_node = EXCLUDED.owner_node, epoch = 3, expires_at = EXCLUDED.expires_at", shard, NODE);
    }
  }

  /** Nothing of this test stays in the shared database for the next one: its experts go offline, its offers are withdrawn. */
  @AfterAll
  static void cleanUp() {
    Sql.update("UPDATE offers SET state = 'revoked', resolved_at = now() WHERE state = 'pending' AND shard >= 900");
    Sql.update("UPDATE requests SET status = 'cancelled' WHERE shard >= 900 AND status IN ('queued', 'offered')");
    Sql.update("UPDATE expert_presence SET status = 'offline' WHERE expert_id IN (SELECT id FROM accounts WHERE username LIKE 'ob-e-%')");
    Sql.update("DELETE FROM shard_leases WHERE shard >= 900");
  }

  private static List<UUID> experts(int count, int capacity) {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      UUID id = UUID.randomUUID();
      Sql.update("INSERT INTO accounts (id, username, password_hash, role, display_name) VALUES (?::uuid, ?, 'x', 'expert', 'E')",
          id.toString(), "ob-e-" + id);
      Sql.update("INSERT INTO expert_presence (expert_id, status, topics, modes, lat, lng, capacity)"
          + " VALUES (?::uuid, 'online', '{offerbatchtest}', '{chat}', 31.2, 121.4, ?)", id.toString(), capacity);
      ids.add(id);
    }
    return ids;
  }

  /** Requests of clients of their own (one live request each), made just now: their clients count as there for a while. */
  private static List<UUID> requests(int count, int shard) {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      UUID client = UUID.randomUUID();
      Sql.update("INSERT INTO accounts (id, username, password_hash, role, display_name) VALUES (?::uuid, ?, 'x', 'client', 'Sam')",
          client.toString(), "ob-c-" + client);
      UUID id = UUID.randomUUID();
      Sql.update("INSERT INTO requests (id, client_id, topic, shard, mode, lat, lng, status, expires_at)"
          + " VALUES (?::uuid, ?::uuid, 'offerbatchtest', ?, 'chat', 31.2, 121.4, 'queued', now() + interval '5 minutes')", id.toString(), client.toString(), shard);
      ids.add(id);
    }
    return ids;
  }

  /** A distance for each proposal of a batch. */
  private static Object[] oneKilometreEach(List<UUID> requests) {
    return java.util.Collections.nCopies(requests.size(), 1.0).toArray();
  }

  /** A new offer id for each proposal of a batch. */
  private static Object[] newIds(List<UUID> requests) {
    return requests.stream().map(r -> UUID.randomUUID()).toArray();
  }

  /** Calls make_offers on a connection of its own; the outcomes by place. */
  private static List<String> makeOffers(int shard, long epoch, List<UUID> requests, List<UUID> experts) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
         PreparedStatement call = c.prepareStatement("SELECT o_outcome FROM make_offers(?, ?, ?, ?, ?, ?, ?, 20, 60) ORDER BY o_idx")) {
      Array requestArray = c.createArrayOf("uuid", requests.toArray());
      Array expertArray = c.createArrayOf("uuid", experts.toArray());
      call.setInt(1, shard);
      call.setString(2, NODE);
      call.setLong(3, epoch);
      call.setArray(4, requestArray);
      call.setArray(5, expertArray);
      call.setArray(6, c.createArrayOf("float8", oneKilometreEach(requests)));
      call.setArray(7, c.createArrayOf("uuid", newIds(requests)));
      List<String> outcomes = new ArrayList<>();
      try (ResultSet rows = call.executeQuery()) {
        while (rows.next()) {
          outcomes.add(rows.getString(1));
        }
      }
      return outcomes;
    }
  }

  @Test
  @DisplayName("two shards' batches racing for the same 20 experts of capacity 1: 20 offers in all, none above capacity")
  void racingBatchesKeepCapacity() throws Exception {
    List<UUID> experts = experts(20, 1);
    List<UUID> first = requests(20, 900);
    List<UUID> second = requests(20, 901);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 5; round++) {
        List<UUID> reversed = new ArrayList<>(experts);
        java.util.Collections.reverse(reversed);
        List<Callable<List<String>>> racers = List.of(
            () -> makeOffers(900, 3, first, experts),
            () -> makeOffers(901, 3, second, reversed));
        List<Future<List<String>>> done = pool.invokeAll(racers, 30, TimeUnit.SECONDS);
        for (Future<List<String>> outcome : done) {
          assertThat(outcome.get()).hasSize(20).allMatch(o -> List.of("made", "expert_unavailable", "request_gone").contains(o));
        }
      }
    } finally {
      pool.shutdown();
    }
    String in = "('" + String.join("','", experts.stream().map(UUID::toString).toList()) + "')";
    assertThat(Sql.count("SELECT count(*) FROM offers WHERE state = 'pending' AND expert_id IN " + in)).isEqualTo(20);
    assertThat(Sql.count("SELECT count(*) FROM (SELECT expert_id FROM offers WHERE state = 'pending' AND expert_id IN " + in
        + " GROUP BY expert_id HAVING count(*) > 1) twice")).as("experts above capacity").isZero();
    String requestsIn = "('" + String.join("','", java.util.stream.Stream.concat(first.stream(), second.stream()).map(UUID::toString).toList()) + "')";
    assertThat(Sql.count("SELECT count(*) FROM (SELECT request_id FROM offers WHERE request_id IN " + requestsIn
        + " GROUP BY request_id HAVING count(*) > 1) twice")).as("requests offered twice").isZero();
  }

  @Test
  @DisplayName("a request proposed twice in one batch is offered once; capacity 2 takes two offers, not three")
  void withinOneBatch() throws Exception {
    List<UUID> expert = experts(1, 2);
    List<UUID> requests = requests(3, 900);
    List<String> outcomes = makeOffers(900, 3, List.of(requests.get(0), requests.get(0), requests.get(1), requests.get(2)),
        List.of(expert.get(0), expert.get(0), expert.get(0), expert.get(0)));
    assertThat(outcomes).containsExactly("made", "request_gone", "made", "expert_unavailable");
  }

  @Test
  @DisplayName("a batch from a stale epoch, or from a node whose lease has run out, writes nothing")
  void fenced() throws Exception {
    List<UUID> experts = experts(2, 1);
    List<UUID> requests = requests(2, 901);
    assertThat(makeOffers(901, 2, requests, experts)).containsExactly("fenced", "fenced");
    Sql.update("UPDATE shard_leases SET expires_at = now() WHERE shard = 901");
    try {
      assertThat(makeOffers(901, 3, requests, experts)).containsExactly("fenced", "fenced");
    } finally {
      Sql.update("UPDATE shard_leases SET expires_at = now() + interval '1 hour' WHERE shard = 901");
    }
    String in = "('" + requests.get(0) + "','" + requests.get(1) + "')";
    assertThat(Sql.count("SELECT count(*) FROM offers WHERE request_id IN " + in)).isZero();
    assertThat(Sql.count("SELECT count(*) FROM requests WHERE status = 'queued' AND id IN " + in)).isEqualTo(2);
  }

  @Test
  @DisplayName("a request whose client is not there (no connection, no poll since their last connection closed) is offered to nobody")
  void clientAway() throws Exception {
    List<UUID> experts = experts(3, 1);
    List<UUID> requests = requests(3, 900);
    // Polled long ago; polled, then their connection closed; polled just now, after a closed connection: there.
    Sql.update("UPDATE requests SET client_seen_at = now() - interval '2 minutes' WHERE id = ?::uuid", requests.get(0).toString());
    Sql.update("UPDATE requests SET client_seen_at = now() - interval '1 second', client_away_since = now() WHERE id = ?::uuid",
        requests.get(1).toString());
    Sql.update("UPDATE requests SET client_seen_at = now(), client_away_since = now() - interval '5 seconds' WHERE id = ?::uuid",
        requests.get(2).toString());
    assertThat(makeOffers(900, 3, requests, experts)).containsExactly("client_away", "client_away", "made");
    assertThat(Sql.count("SELECT count(*) FROM requests WHERE status = 'queued' AND id IN (?::uuid, ?::uuid)", requests.get(0).toString(),
        requests.get(1).toString())).as("still waiting, for their client").isEqualTo(2);
  }

  /** A client of the test's own; {@code clients} names it by the index the rows use. */
  private static UUID client() {
    UUID client = UUID.randomUUID();
    Sql.update("INSERT INTO accounts (id, username, password_hash, role, display_name) VALUES (?::uuid, ?, 'x', 'client', 'Sam')",
        client.toString(), "ob-c-" + client);
    return client;
  }

  /** A new request's row as the shard owner sends it (ShardMessages.rowToStore's keys). */
  private static JsonObject row(UUID id, UUID client, String idempotencyKey) {
    return new JsonObject().put("id", id.toString()).put("client_id", client.toString()).put("topic", "offerbatchtest").put("mode", "chat")
        .put("lat", null).put("lng", null).put("max_distance_km", null).put("brief", "b").put("idempotency_key", idempotencyKey)
        .put("max_wait_secs", 300.0).put("fallback_mode", null).put("price", 2000L).put("platform_fee", 400L).put("chosen_expert_id", null);
  }

  /** Calls store_requests_and_make_offers on a connection of its own; each row's outcome, and the stored requests' ids. */
  private static List<String> storeAndOffer(int shard, long epoch, List<JsonObject> rows, List<UUID> requests, List<UUID> experts) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
         PreparedStatement call = c.prepareStatement("SELECT o_outcome, o_request FROM store_requests_and_make_offers(?::jsonb, ?, ?, ?, ?, ?, ?, ?, 20, 60)")) {
      call.setString(1, new JsonArray(new ArrayList<>(rows)).encode());
      call.setInt(2, shard);
      call.setString(3, NODE);
      call.setLong(4, epoch);
      call.setArray(5, c.createArrayOf("uuid", requests.toArray()));
      call.setArray(6, c.createArrayOf("uuid", experts.toArray()));
      call.setArray(7, c.createArrayOf("float8", oneKilometreEach(requests)));
      call.setArray(8, c.createArrayOf("uuid", newIds(requests)));
      List<String> outcomes = new ArrayList<>();
      try (ResultSet result = call.executeQuery()) {
        while (result.next()) {
          outcomes.add(result.getString(2) == null ? result.getString(1) : result.getString(1) + " " + result.getString(2));
        }
      }
      return outcomes;
    }
  }

  @Test
  @DisplayName("new requests are stored with the batch's offers, one commit for both; a client's second live request or a used key is not stored,"
      + " and neither is offered; a fenced batch still stores its requests")
  void requestsStoredWithTheirOffers() throws Exception {
    List<UUID> experts = experts(3, 1);
    UUID alice = client();
    UUID bob = client();
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    UUID bobs = UUID.randomUUID();
    assertThat(storeAndOffer(900, 3, List.of(row(first, alice, "k"), row(second, alice, null), row(bobs, bob, null)),
        List.of(first, second, bobs), experts))
        .as("the stored first, then each proposal's outcome").containsExactlyInAnyOrder("stored " + first, "stored " + bobs,
            "made", "request_gone", "made");
    assertThat(Sql.count("SELECT count(*) FROM requests r JOIN offers o ON o.request_id = r.id WHERE r.id IN (?::uuid, ?::uuid)"
        + " AND r.status = 'offered' AND r.created_at = o.created_at AND r.price = 2000", first.toString(), bobs.toString()))
        .as("each stored and offered in the same transaction").isEqualTo(2);

    Sql.update("UPDATE requests SET status = 'cancelled' WHERE id = ?::uuid", first.toString());
    UUID again = UUID.randomUUID();
    assertThat(storeAndOffer(900, 3, List.of(row(again, alice, "k")), List.of(again), List.of(experts.get(1))))
        .as("the key was used before: not stored, not offered (its expert is free)").containsExactly("request_gone");
    UUID whileFenced = UUID.randomUUID();
    assertThat(storeAndOffer(900, 2, List.of(row(whileFenced, alice, null)), List.of(whileFenced), List.of(experts.get(1))))
        .containsExactly("stored " + whileFenced, "fenced");
    assertThat(Sql.string("SELECT status FROM requests WHERE id = ?::uuid", whileFenced.toString()))
        .as("stored for the shard's next owner").isEqualTo("queued");
  }
}
