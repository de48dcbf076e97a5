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
}
