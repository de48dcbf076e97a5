package io.tandem.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.OfferId;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReconciliationTest {
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  private static RequestRecord record() {
    return record(Optional.empty());
  }

  private static RequestRecord record(Optional<UserId> chosenExpert) {
    return new RequestRecord(new RequestId(UUID.randomUUID()), new UserId(UUID.randomUUID()), new Topic("tax"), 0, Mode.CHAT,
        Optional.of(new GeoPoint(31.2, 121.4)), null, "brief", RequestStatus.QUEUED, NOW, NOW, NOW.plusSeconds(300), null, null, 2000L,
        200L, null, chosenExpert);
  }

  private static WaitingRequest offered(RequestRecord record, UserId expert) {
    WaitingRequest waiting = record.toWaiting();
    waiting.offeredTo(expert);
    return waiting;
  }

  @Test
  @DisplayName("a request gone from the database is forgotten, an offer ended unseen goes back without its expert, an unseen request is adopted with its offer")
  void repairs() {
    RequestRecord kept = record();
    RequestRecord closed = record();
    RequestRecord offerEnded = record();
    RequestRecord unseen = record();
    UserId expert = new UserId(UUID.randomUUID());
    MatchingQueries.PendingOffer unseenOffer = new MatchingQueries.PendingOffer(new OfferId(UUID.randomUUID()), unseen.id(), expert,
        NOW.plusSeconds(20));
    MatchingQueries.ShardState database = new MatchingQueries.ShardState(List.of(kept, offerEnded, unseen), Map.of(), List.of(unseenOffer));

    Reconciliation repairs = Reconciliation.of(List.of(kept.toWaiting(), closed.toWaiting(), offered(offerEnded, expert)), Set.of(), database);

    assertThat(repairs.gone()).containsExactly(closed.id());
    assertThat(repairs.offersEnded()).containsExactly(Map.entry(offerEnded.id(), expert));
    assertThat(repairs.unseen()).containsExactly(new Reconciliation.Unseen(unseen, Optional.of(unseenOffer)));
  }

  @Test
  @DisplayName("a request the shard holds for one expert that PostgreSQL says is open to everyone is opened (a lost message)")
  void openedUnseen() {
    RequestRecord heldForOne = record(Optional.of(new UserId(UUID.randomUUID())));
    RequestRecord opened = new RequestRecord(heldForOne.id(), heldForOne.clientId(), heldForOne.topic(), 0, Mode.CHAT, heldForOne.location(),
        null, "brief", RequestStatus.QUEUED, NOW, NOW, NOW.plusSeconds(300), null, null, 2000L, 200L, null, Optional.empty());
    RequestRecord stillChosen = record(Optional.of(new UserId(UUID.randomUUID())));
    MatchingQueries.ShardState database = new MatchingQueries.ShardState(List.of(opened, stillChosen), Map.of(), List.of());

    Reconciliation repairs = Reconciliation.of(List.of(heldForOne.toWaiting(), stillChosen.toWaiting()), Set.of(), database);

    assertThat(repairs.opened()).containsExactly(heldForOne.id());
    assertThat(repairs.gone()).isEmpty();
  }

  @Test
  @DisplayName("a request changed while the database was read is left alone: the read is too old to judge it")
  void recentLeftAlone() {
    RequestRecord closedMeanwhile = record();
    RequestRecord queuedMeanwhile = record();
    MatchingQueries.ShardState database = new MatchingQueries.ShardState(List.of(queuedMeanwhile), Map.of(), List.of());

    Reconciliation repairs = Reconciliation.of(List.of(closedMeanwhile.toWaiting()), Set.of(closedMeanwhile.id(), queuedMeanwhile.id()),
        database);

    assertThat(repairs.gone()).isEmpty();
    assertThat(repairs.offersEnded()).isEmpty();
    assertThat(repairs.unseen()).isEmpty();
  }
}
