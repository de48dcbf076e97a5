package io.tandem.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.kernel.ExpertSnapshot;
import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.testing.TestConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Queue positions, ETAs and what a waiting client is told, over a real Matchmaker. */
class QueueStandingTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private static final GeoPoint SHANGHAI = new GeoPoint(31.2304, 121.4737);
  private static final Topic TAX = new Topic("tax");

  private static WaitingRequest request(Topic topic, Duration waited) {
    Instant queuedAt = NOW.minus(waited);
    return new WaitingRequest(new RequestId(UUID.randomUUID()), new UserId(UUID.randomUUID()), topic, Mode.CHAT, Optional.of(SHANGHAI), null,
        queuedAt, queuedAt.plus(Duration.ofMinutes(5)));
  }

  private static ExpertSnapshot expert(Topic topic) {
    return new ExpertSnapshot(new UserId(UUID.randomUUID()), Set.of(topic), EnumSet.of(Mode.CHAT), Optional.of(SHANGHAI), 1, true, 0, NOW, 4.0, 1.0);
  }

  private final Matchmaker matchmaker = new Matchmaker(TestConfig.defaults().matching());
  private final EtaEstimator eta = new EtaEstimator(Duration.ofSeconds(60));
  private final QueueStanding standing = new QueueStanding(matchmaker, eta, 1_000);

  @Test
  @DisplayName("positions follow the queue's order (oldest first); each client is told once until something changes")
  void toldOnce() {
    WaitingRequest older = request(TAX, Duration.ofMinutes(2));
    WaitingRequest newer = request(TAX, Duration.ofMinutes(1));
    matchmaker.enqueue(newer);
    matchmaker.enqueue(older);
    List<QueueStanding.Standing> first = standing.changed();
    assertThat(first).extracting(QueueStanding.Standing::request).containsExactly(older.id(), newer.id());
    assertThat(first).extracting(QueueStanding.Standing::position).containsExactly(1, 2);
    assertThat(first).extracting(QueueStanding.Standing::status).containsOnly(RequestStatus.QUEUED);
    assertThat(standing.changed()).as("nothing new").isEmpty();

    matchmaker.remove(older.id());
    standing.forget(older.id());
    assertThat(standing.changed()).singleElement()
        .satisfies(s -> assertThat(s.request()).isEqualTo(newer.id()))
        .satisfies(s -> assertThat(s.position()).isEqualTo(1));
  }

  @Test
  @DisplayName("an offer made is news (status offered); an ETA that moves within its 5-second step is not")
  void whatIsNews() {
    matchmaker.putExpert(expert(TAX));
    WaitingRequest waiting = request(TAX, Duration.ofMinutes(1));
    matchmaker.enqueue(waiting);
    assertThat(standing.changed()).singleElement().satisfies(s -> assertThat(s.etaSeconds()).isEqualTo(60));
    eta.recordMatch(TAX, Duration.ofSeconds(62));
    assertThat(standing.changed()).as("60 s to 60.4 s: the same step").isEmpty();
    eta.recordMatch(TAX, Duration.ofSeconds(200));
    assertThat(standing.changed()).singleElement().satisfies(s -> assertThat(s.etaSeconds()).isGreaterThan(65));
    matchmaker.offerMade(waiting.id(), expert(TAX).id(), NOW);
    assertThat(standing.changed()).singleElement().satisfies(s -> assertThat(s.status()).isEqualTo(RequestStatus.OFFERED));
  }

  @Test
  @DisplayName("a standing handed over in the answer to a create counts as told; one not waiting here has none")
  void toldInTheAnswer() {
    matchmaker.putExpert(expert(TAX));
    WaitingRequest waiting = request(TAX, Duration.ZERO);
    matchmaker.enqueue(waiting);
    QueueStanding.Standing now = standing.of(waiting.id()).orElseThrow();
    assertThat(now.toJson().encode())
        .isEqualTo("{\"requestId\":\"" + waiting.id() + "\",\"status\":\"queued\",\"position\":1,\"etaSeconds\":60}");
    standing.told(now);
    assertThat(standing.changed()).isEmpty();
    assertThat(standing.of(new RequestId(UUID.randomUUID()))).isEmpty();
  }

  @Test
  @DisplayName("nobody online for the topic: no ETA, reason no_expert_online; an expert coming online is news")
  void noExpertOnline() {
    WaitingRequest waiting = request(TAX, Duration.ZERO);
    matchmaker.enqueue(waiting);
    QueueStanding.Standing alone = standing.changed().get(0);
    assertThat(alone.etaSeconds()).isNull();
    assertThat(alone.reason()).contains(Stall.NO_EXPERT_ONLINE);
    assertThat(alone.toJson().encode()).contains("\"etaSeconds\":null").contains("\"reason\":\"no_expert_online\"");

    matchmaker.putExpert(expert(TAX));
    assertThat(standing.changed()).singleElement().satisfies(s -> {
      assertThat(s.reason()).isEmpty();
      assertThat(s.etaSeconds()).isEqualTo(60);
    });
  }

  @Test
  @DisplayName("after the only expert declines, the client is told queued, declined_by_all, no ETA")
  void afterTheOnlyDecline() {
    ExpertSnapshot only = expert(TAX);
    matchmaker.putExpert(only);
    WaitingRequest waiting = request(TAX, Duration.ZERO);
    matchmaker.enqueue(waiting);
    matchmaker.offerMade(waiting.id(), only.id(), NOW);
    standing.told(standing.of(waiting.id()).orElseThrow());

    matchmaker.offerEnded(waiting.id(), only.id(), true);
    assertThat(standing.changed()).singleElement().satisfies(s -> {
      assertThat(s.status()).isEqualTo(RequestStatus.QUEUED);
      assertThat(s.reason()).contains(Stall.DECLINED_BY_ALL);
      assertThat(s.etaSeconds()).isNull();
    });
  }

  @Test
  @DisplayName("all experts busy: reason all_busy, with an ETA from recent matches")
  void allBusy() {
    matchmaker.putExpert(expert(TAX).withLoad(1));
    WaitingRequest waiting = request(TAX, Duration.ZERO);
    matchmaker.enqueue(waiting);
    eta.recordMatch(TAX, Duration.ofSeconds(60));
    QueueStanding.Standing busy = standing.changed().get(0);
    assertThat(busy.reason()).contains(Stall.ALL_BUSY);
    assertThat(busy.etaSeconds()).isEqualTo(60);
  }

  @Test
  @DisplayName("a round tells at most its budget: changes of state first, then the front of the queue; the rest follow")
  void budget() {
    QueueStanding small = new QueueStanding(matchmaker, eta, 2);
    List<WaitingRequest> queue = List.of(request(TAX, Duration.ofMinutes(4)), request(TAX, Duration.ofMinutes(3)),
        request(TAX, Duration.ofMinutes(2)), request(TAX, Duration.ofMinutes(1)));
    queue.forEach(matchmaker::enqueue);
    assertThat(small.changed()).extracting(QueueStanding.Standing::position).containsExactly(1, 2);
    assertThat(small.behind()).isTrue();
    assertThat(small.changed()).extracting(QueueStanding.Standing::position).containsExactly(3, 4);
    assertThat(small.behind()).isFalse();
    assertThat(small.changed()).isEmpty();

    // The front leaves: everyone moves up a place, and a request arrives at the back. The newcomer
    // (never told) goes before those whose place merely moved.
    matchmaker.remove(queue.get(0).id());
    small.forget(queue.get(0).id());
    WaitingRequest newcomer = request(TAX, Duration.ZERO);
    matchmaker.enqueue(newcomer);
    assertThat(small.changed()).extracting(QueueStanding.Standing::request).containsExactly(newcomer.id(), queue.get(1).id());
    assertThat(small.changed()).extracting(QueueStanding.Standing::request).containsExactly(queue.get(2).id(), queue.get(3).id());
    assertThat(small.behind()).isFalse();
  }

  @Test
  @DisplayName("a request not stored yet is queued but not told about by the rounds (it may yet be refused); once its create is answered it is")
  void unannouncedUntilStored() {
    WaitingRequest stored = request(TAX, Duration.ofMinutes(2));
    WaitingRequest storing = request(TAX, Duration.ofMinutes(1));
    matchmaker.enqueue(stored);
    matchmaker.enqueue(storing);
    standing.unannounced(storing.id());
    assertThat(standing.changed()).extracting(QueueStanding.Standing::request).containsExactly(stored.id());
    assertThat(standing.of(storing.id())).as("it still has a place, counted for others too").hasValueSatisfying(s -> assertThat(s.position()).isEqualTo(2));

    standing.announced(storing.id());
    assertThat(standing.changed()).extracting(QueueStanding.Standing::request).containsExactly(storing.id());
  }
}
