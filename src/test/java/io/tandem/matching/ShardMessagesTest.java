package io.tandem.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The shard's bus commands, encoded and decoded. */
class ShardMessagesTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private static final GeoPoint SHANGHAI = new GeoPoint(31.2304, 121.4737);

  @Test
  @DisplayName("a queued command carries the whole waiting request, exclusions included, through the bus and back")
  void queuedCommandRoundTrip() {
    UserId client = new UserId(UUID.randomUUID());
    UserId declined = new UserId(UUID.randomUUID());
    RequestRecord record = new RequestRecord(new RequestId(UUID.randomUUID()), client, new Topic("legal.labour"), 3, Mode.IN_PERSON,
        Optional.of(SHANGHAI), 12.5, "brief", RequestStatus.QUEUED, NOW, NOW, NOW.plusSeconds(300), null, Mode.VIDEO, 2000L, 200L, null,
        Optional.of(new UserId(UUID.randomUUID())));
    WaitingRequest decoded = ShardMessages.waiting(ShardMessages.queued(record, List.of(declined)).copy());
    assertThat(decoded.id()).isEqualTo(record.id());
    assertThat(decoded.chosenExpert()).as("the expert the client asked for travels with it").isEqualTo(record.chosenExpert());
    assertThat(decoded.clientId()).isEqualTo(client);
    assertThat(decoded.topic()).isEqualTo(record.topic());
    assertThat(decoded.mode()).isEqualTo(Mode.IN_PERSON);
    assertThat(decoded.location()).contains(SHANGHAI);
    assertThat(decoded.maxDistanceKm()).contains(12.5);
    assertThat(decoded.fallbackMode()).contains(Mode.VIDEO);
    assertThat(decoded.queuedAt()).isEqualTo(NOW);
    assertThat(decoded.expiresAt()).isEqualTo(NOW.plusSeconds(300));
    assertThat(decoded.excludes(declined)).isTrue();
    assertThat(decoded.excludes(client)).isFalse();
    UserId expert = new UserId(UUID.randomUUID());
    assertThat(ShardMessages.expertId(ShardMessages.offerClosed(record.id(), expert, ShardMessages.DECLINED))).isEqualTo(expert);
    assertThat(ShardMessages.requestId(ShardMessages.requestClosed(record.id()))).isEqualTo(record.id());
  }

  @Test
  @DisplayName("a store command carries the row to store under the function's column names, and the owner's answer carries PostgreSQL's times back")
  void storeCommandRoundTrip() {
    RequestRecord record = new RequestRecord(new RequestId(UUID.randomUUID()), new UserId(UUID.randomUUID()), new Topic("legal.labour"), 3,
        Mode.IN_PERSON, Optional.of(SHANGHAI), 12.5, "brief", RequestStatus.QUEUED, NOW, NOW, NOW.plusSeconds(300), null, Mode.VIDEO, 2000L,
        200L, null, Optional.empty());
    io.vertx.core.json.JsonObject message = ShardMessages.store(record, "key-1", java.time.Duration.ofSeconds(300)).copy();
    assertThat(ShardMessages.waiting(message).id()).as("queued in memory as a queued command would be").isEqualTo(record.id());
    assertThat(ShardMessages.rowToStore(message).getMap()).hasSize(14).containsAllEntriesOf(java.util.Map.ofEntries(
        java.util.Map.entry("id", record.id().toString()), java.util.Map.entry("client_id", record.clientId().toString()),
        java.util.Map.entry("topic", "legal.labour"), java.util.Map.entry("mode", "in_person"), java.util.Map.entry("lat", SHANGHAI.lat()),
        java.util.Map.entry("lng", SHANGHAI.lng()), java.util.Map.entry("max_distance_km", 12.5), java.util.Map.entry("brief", "brief"),
        java.util.Map.entry("idempotency_key", "key-1"), java.util.Map.entry("max_wait_secs", 300.0), java.util.Map.entry("fallback_mode", "video"),
        java.util.Map.entry("price", 2000L), java.util.Map.entry("platform_fee", 200L)));
    assertThat(ShardMessages.rowToStore(message).containsKey("chosen_expert_id")).as("every key present, null where empty").isTrue();

    StoredRequest stored = new StoredRequest(record.id(), NOW.plusMillis(3), NOW.plusMillis(3).plusSeconds(300));
    io.vertx.core.json.JsonObject answer = ShardMessages.stored(stored, new io.vertx.core.json.JsonObject().put("position", 2)).copy();
    assertThat(ShardMessages.storedIn(answer, record.id())).contains(stored);
    assertThat(ShardMessages.standing(answer, record.storedAt(stored)).position()).contains(2);
    assertThat(ShardMessages.storedIn(ShardMessages.notStored().copy(), record.id())).isEmpty();
  }
}
