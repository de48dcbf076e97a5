package io.tandem.matching;

import io.tandem.kernel.ExpertSnapshot;
import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.testing.TestConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class MatchmakerTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private static final GeoPoint PEOPLES_SQUARE = new GeoPoint(31.2304, 121.4737);
  private static final GeoPoint JING_AN = new GeoPoint(31.2290, 121.4480);      // ~2.5 km away
  private static final GeoPoint PUDONG_AIRPORT = new GeoPoint(31.1443, 121.8083); // ~33 km away
  private static final GeoPoint BEIJING = new GeoPoint(39.9042, 116.4074);

  private final MatchingConfig config = TestConfig.with(Map.of("matching.parentTopicAfterSeconds", "30")).matching();
  private final Matchmaker matchmaker = new Matchmaker(config);

  private static ExpertSnapshot expert(String topic, GeoPoint where, Mode... modes) {
    return new ExpertSnapshot(new UserId(UUID.randomUUID()), Set.of(new Topic(topic)), EnumSet.copyOf(List.of(modes)),
        Optional.ofNullable(where), 1, true, 0, NOW, 4.0, 1.0);
  }

  private static WaitingRequest request(String topic, Mode mode, GeoPoint where, Double maxKm, Duration waited) {
    Instant queuedAt = NOW.minus(waited);
    return new WaitingRequest(new RequestId(UUID.randomUUID()), new UserId(UUID.randomUUID()), new Topic(topic), mode,
        Optional.ofNullable(where), maxKm, queuedAt, queuedAt.plus(Duration.ofMinutes(5)));
  }

  private static Set<UserId> ids(List<Candidate> candidates) {
    return candidates.stream().map(c -> c.expert().id()).collect(Collectors.toSet());
  }

  @Test
  @DisplayName("candidates offer the topic and the mode, have a free slot, and have not been excluded")
  void candidateFilter() {
    ExpertSnapshot fits = expert("career.interview", PEOPLES_SQUARE, Mode.CHAT, Mode.VIDEO);
    ExpertSnapshot otherTopic = expert("legal.labour", PEOPLES_SQUARE, Mode.CHAT);
    ExpertSnapshot otherMode = expert("career.interview", PEOPLES_SQUARE, Mode.VIDEO);
    ExpertSnapshot full = expert("career.interview", PEOPLES_SQUARE, Mode.CHAT).withLoad(1);
    ExpertSnapshot unavailable = new ExpertSnapshot(new UserId(UUID.randomUUID()), Set.of(new Topic("career.interview")),
        EnumSet.of(Mode.CHAT), Optional.of(PEOPLES_SQUARE), 1, false, 0, NOW, 4, 1);
    ExpertSnapshot declined = expert("career.interview", PEOPLES_SQUARE, Mode.CHAT);
    Stream.of(fits, otherTopic, otherMode, full, unavailable, declined).forEach(matchmaker::putExpert);

    WaitingRequest request = request("career.interview", Mode.CHAT, JING_AN, null, Duration.ZERO);
    request.exclude(declined.id());
    assertThat(ids(matchmaker.candidates(request, NOW))).containsExactly(fits.id());
  }

  @Test
  @DisplayName("a request asked of one expert has them alone as candidate, at once even when they offer only a parent topic; "
      + "stalled on them while they are away; opened, everyone")
  void chosenExpert() {
    ExpertSnapshot specialist = expert("career.interview", PEOPLES_SQUARE, Mode.CHAT);
    ExpertSnapshot generalist = expert("career", PEOPLES_SQUARE, Mode.CHAT);
    matchmaker.putExpert(specialist);
    matchmaker.putExpert(generalist);
    WaitingRequest request = request("career.interview", Mode.CHAT, JING_AN, null, Duration.ZERO);
    request.choose(generalist.id());
    assertThat(ids(matchmaker.candidates(request, NOW))).as("the generalist chosen: no wait for the parent topic").containsExactly(generalist.id());
    assertThat(matchmaker.outlook(request).stall()).isEmpty();

    request.exclude(generalist.id());
    assertThat(matchmaker.candidates(request, NOW)).as("declined: nobody else").isEmpty();
    assertThat(matchmaker.outlook(request).stall()).contains(Stall.CHOSEN_EXPERT_UNAVAILABLE);

    request.choose(null);
    assertThat(ids(matchmaker.candidates(request, NOW))).containsExactly(specialist.id());
    assertThat(matchmaker.outlook(request).stall()).isEmpty();
  }

  @Test
  @DisplayName("while an expert of the exact topic who could take it is online, the parent topic waits parentTopicAfterSeconds")
  void parentTopicWaitsForASpecialist() {
    ExpertSnapshot generalist = expert("career", PEOPLES_SQUARE, Mode.CHAT);
    ExpertSnapshot busySpecialist = expert("career.interview", PEOPLES_SQUARE, Mode.CHAT).withLoad(1);
    matchmaker.putExpert(generalist);
    matchmaker.putExpert(busySpecialist);
    assertThat(matchmaker.candidates(request("career.interview", Mode.CHAT, JING_AN, null, Duration.ofSeconds(29)), NOW))
        .as("the specialist is only busy: worth waiting for").isEmpty();
    List<Candidate> later = matchmaker.candidates(request("career.interview", Mode.CHAT, JING_AN, null, Duration.ofSeconds(30)), NOW);
    assertThat(ids(later)).containsExactly(generalist.id());
    assertThat(later.get(0).topicLevelsUp()).isEqualTo(1);
  }

  @Test
  @DisplayName("with no expert of the exact topic who could take it, the parent topic is asked at once")
  void parentTopicAtOnceWithoutASpecialist() {
    ExpertSnapshot generalist = expert("career", PEOPLES_SQUARE, Mode.CHAT);
    ExpertSnapshot videoOnlySpecialist = expert("career.interview", PEOPLES_SQUARE, Mode.VIDEO);
    ExpertSnapshot declinedSpecialist = expert("career.interview", PEOPLES_SQUARE, Mode.CHAT);
    Stream.of(generalist, videoOnlySpecialist, declinedSpecialist).forEach(matchmaker::putExpert);
    WaitingRequest request = request("career.interview", Mode.CHAT, JING_AN, null, Duration.ZERO);
    request.exclude(declinedSpecialist.id());
    assertThat(ids(matchmaker.candidates(request, NOW))).containsExactly(generalist.id());
  }

  @Test
  @DisplayName("the outlook says why a request is not moving, in the documented order")
  void outlook() {
    WaitingRequest chat = request("tax.vat", Mode.CHAT, JING_AN, null, Duration.ZERO);
    assertThat(matchmaker.outlook(chat).stall()).contains(Stall.NO_EXPERT_ONLINE);

    ExpertSnapshot farAway = expert("tax", BEIJING, Mode.IN_PERSON, Mode.CHAT);
    matchmaker.putExpert(farAway);
    WaitingRequest inPerson = request("tax.vat", Mode.IN_PERSON, JING_AN, 20.0, Duration.ZERO);
    assertThat(matchmaker.outlook(inPerson).stall()).as("1,000 km off, parent topic").contains(Stall.NONE_IN_RANGE);
    assertThat(matchmaker.outlook(chat).stall()).as("distance does not matter online").isEmpty();
    assertThat(matchmaker.outlook(chat).servers()).isEqualTo(1);

    chat.exclude(farAway.id());
    assertThat(matchmaker.outlook(chat).stall()).contains(Stall.DECLINED_BY_ALL);

    ExpertSnapshot busy = expert("tax.vat", PEOPLES_SQUARE, Mode.CHAT).withLoad(1);
    matchmaker.putExpert(busy);
    Matchmaker.Outlook allBusy = matchmaker.outlook(chat);
    assertThat(allBusy.stall()).contains(Stall.ALL_BUSY);
    assertThat(allBusy.servers()).as("the busy expert will serve it, in time").isEqualTo(1);

    ExpertSnapshot offline = new ExpertSnapshot(new UserId(UUID.randomUUID()), Set.of(new Topic("tax.vat")), EnumSet.of(Mode.CHAT),
        Optional.of(PEOPLES_SQUARE), 1, false, 0, NOW, 4, 1);
    matchmaker.putExpert(offline);
    assertThat(matchmaker.outlook(chat).stall()).as("an expert not available counts for nothing").contains(Stall.ALL_BUSY);
  }

  @Test
  @DisplayName("an expert who takes what they are offered ranks above one who declines, all else equal")
  void acceptanceRanks() {
    ExpertSnapshot accepting = expert("career.interview", PEOPLES_SQUARE, Mode.CHAT);
    ExpertSnapshot declining = new ExpertSnapshot(new UserId(UUID.randomUUID()), Set.of(new Topic("career.interview")), EnumSet.of(Mode.CHAT),
        Optional.of(PEOPLES_SQUARE), 1, true, 0, NOW, 4.0, 1.0, 0.4);
    matchmaker.putExpert(declining);
    matchmaker.putExpert(accepting);
    List<Candidate> ranked = matchmaker.candidates(request("career.interview", Mode.CHAT, JING_AN, null, Duration.ZERO), NOW);
    assertThat(ranked).extracting(c -> c.expert().id()).containsExactly(accepting.id(), declining.id());
    assertThat(ranked.get(0).score() - ranked.get(1).score()).as("weights.acceptance (0.5) times the difference (0.6)")
        .isCloseTo(0.3, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  @DisplayName("online, a location only ranks: an expert near the client above one who gave none; a request with none takes either")
  void locationOnlyRanksOnline() {
    ExpertSnapshot near = expert("career.interview", JING_AN, Mode.CHAT);
    ExpertSnapshot nowhere = expert("career.interview", null, Mode.CHAT);
    matchmaker.putExpert(nowhere);
    matchmaker.putExpert(near);
    List<Candidate> located = matchmaker.candidates(request("career.interview", Mode.CHAT, PEOPLES_SQUARE, null, Duration.ZERO), NOW);
    assertThat(located).extracting(c -> c.expert().id()).containsExactly(near.id(), nowhere.id());
    assertThat(located.get(1).distanceKm()).as("unknown: as far as can be").isInfinite();
    List<Candidate> unlocated = matchmaker.candidates(request("career.interview", Mode.CHAT, null, null, Duration.ZERO), NOW);
    assertThat(unlocated).extracting(c -> c.expert().id()).containsExactlyInAnyOrder(near.id(), nowhere.id());
    assertThat(unlocated.get(0).score()).as("distance counts for neither").isEqualTo(unlocated.get(1).score());
  }

  @Test
  @DisplayName("an exact topic fits better than the parent topic, all else equal")
  void exactTopicRanksFirst() {
    ExpertSnapshot specialist = expert("career.interview", PEOPLES_SQUARE, Mode.CHAT);
    ExpertSnapshot generalist = expert("career", PEOPLES_SQUARE, Mode.CHAT);
    matchmaker.putExpert(specialist);
    matchmaker.putExpert(generalist);
    List<Candidate> ranked = matchmaker.candidates(request("career.interview", Mode.CHAT, JING_AN, null, Duration.ofMinutes(1)), NOW);
    assertThat(ranked).extracting(c -> c.expert().id()).containsExactly(specialist.id(), generalist.id());
  }

  @Test
  @DisplayName("an expert offering both the topic and its parent is one candidate, at the closer topic")
  void oneCandidatePerExpert() {
    ExpertSnapshot both = new ExpertSnapshot(new UserId(UUID.randomUUID()), Set.of(new Topic("career"), new Topic("career.interview")),
        EnumSet.of(Mode.CHAT, Mode.IN_PERSON), Optional.of(PEOPLES_SQUARE), 1, true, 0, NOW, 4.0, 1.0);
    matchmaker.putExpert(both);
    for (Mode mode : List.of(Mode.CHAT, Mode.IN_PERSON)) {
      List<Candidate> candidates = matchmaker.candidates(request("career.interview", mode, JING_AN, 10.0, Duration.ofMinutes(1)), NOW);
      assertThat(candidates).singleElement().satisfies(c -> assertThat(c.topicLevelsUp()).isZero());
    }
  }

  @Test
  @DisplayName("in-person requests only reach experts within maxDistanceKm, by great-circle distance")
  void inPersonDistanceBound() {
    ExpertSnapshot near = expert("tax", JING_AN, Mode.IN_PERSON);
    ExpertSnapshot farther = expert("tax", PUDONG_AIRPORT, Mode.IN_PERSON);
    ExpertSnapshot otherCity = expert("tax", BEIJING, Mode.IN_PERSON);
    Stream.of(near, farther, otherCity).forEach(matchmaker::putExpert);

    assertThat(ids(matchmaker.candidates(request("tax", Mode.IN_PERSON, PEOPLES_SQUARE, 5.0, Duration.ZERO), NOW)))
        .containsExactly(near.id());
    List<Candidate> wider = matchmaker.candidates(request("tax", Mode.IN_PERSON, PEOPLES_SQUARE, 50.0, Duration.ZERO), NOW);
    assertThat(ids(wider)).containsExactlyInAnyOrder(near.id(), farther.id());
    assertThat(wider.get(0).expert().id()).as("nearer ranks first").isEqualTo(near.id());
    assertThat(wider.get(1).distanceKm()).isBetween(30.0, 40.0);
  }

  @Test
  @DisplayName("online requests reach experts anywhere; distance only ranks")
  void onlineIgnoresDistanceBound() {
    ExpertSnapshot far = expert("health", BEIJING, Mode.VIDEO);
    ExpertSnapshot near = expert("health", JING_AN, Mode.VIDEO);
    matchmaker.putExpert(far);
    matchmaker.putExpert(near);
    List<Candidate> ranked = matchmaker.candidates(request("health", Mode.VIDEO, PEOPLES_SQUARE, null, Duration.ZERO), NOW);
    assertThat(ranked).extracting(c -> c.expert().id()).containsExactly(near.id(), far.id());
  }

  @Test
  @DisplayName("score prefers reliable, well-rated and long-idle experts")
  void scoring() {
    Scoring scoring = new Scoring(config);
    WaitingRequest request = request("career", Mode.CHAT, PEOPLES_SQUARE, null, Duration.ZERO);
    ExpertSnapshot base = expert("career", PEOPLES_SQUARE, Mode.CHAT);
    ExpertSnapshot unreliable = new ExpertSnapshot(base.id(), base.topics(), base.modes(), base.location(), 1, true, 0, NOW, 4.0, 0.2);
    ExpertSnapshot poorlyRated = new ExpertSnapshot(base.id(), base.topics(), base.modes(), base.location(), 1, true, 0, NOW, 2.0, 1.0);
    ExpertSnapshot idle = base.withIdleSince(NOW.minus(Duration.ofMinutes(10)));
    double s = scoring.score(request, base, 0, 0, NOW);
    assertThat(scoring.score(request, unreliable, 0, 0, NOW)).isLessThan(s);
    assertThat(scoring.score(request, poorlyRated, 0, 0, NOW)).isLessThan(s);
    assertThat(scoring.score(request, idle, 0, 0, NOW)).isGreaterThan(s);
    assertThat(scoring.score(request, base, 20, 0, NOW)).isLessThan(s);
  }

  @Test
  @DisplayName("batch assignment maximises the total score where first-come greedy does not")
  void batchBeatsGreedy() {
    // Request A (older) fits both experts, a bit better the specialist; request B only fits the specialist.
    ExpertSnapshot specialist = expert("career.interview", PEOPLES_SQUARE, Mode.CHAT);
    ExpertSnapshot generalist = expert("career", PEOPLES_SQUARE, Mode.CHAT);
    matchmaker.putExpert(specialist);
    matchmaker.putExpert(generalist);
    WaitingRequest a = request("career.interview", Mode.CHAT, PEOPLES_SQUARE, null, Duration.ofSeconds(40));
    WaitingRequest b = request("career.interview", Mode.CHAT, PEOPLES_SQUARE, null, Duration.ofSeconds(10));
    matchmaker.enqueue(a);
    matchmaker.enqueue(b);

    // Greedy, oldest first, takes each request's best candidate: A gets the specialist and B nobody.
    assertThat(matchmaker.candidates(a, NOW).get(0).expert().id()).isEqualTo(specialist.id());
    assertThat(ids(matchmaker.candidates(b, NOW))).containsExactly(specialist.id());

    Map<RequestId, UserId> assigned = matchmaker.assign(NOW).stream()
        .collect(Collectors.toMap(p -> p.request().id(), p -> p.expert().id()));
    assertThat(assigned).containsEntry(a.id(), generalist.id()).containsEntry(b.id(), specialist.id());
  }

  @Test
  @DisplayName("a waiting request wins a contested expert over a newer, better-fitting one: nobody starves")
  void starvation() {
    ExpertSnapshot only = expert("legal.labour", JING_AN, Mode.VIDEO);
    matchmaker.putExpert(only);
    WaitingRequest fresh = request("legal.labour", Mode.VIDEO, JING_AN, null, Duration.ZERO);
    WaitingRequest old = request("legal.labour", Mode.VIDEO, BEIJING, null, Duration.ofMinutes(4));
    matchmaker.enqueue(fresh);
    matchmaker.enqueue(old);
    assertThat(matchmaker.assign(NOW)).singleElement().satisfies(p -> assertThat(p.request().id()).isEqualTo(old.id()));
  }

  @Test
  @DisplayName("a request with a pending offer, and an expert without a free slot, are left out of the batch")
  void pendingOffersBlock() {
    ExpertSnapshot expert = expert("tax", JING_AN, Mode.CHAT);
    matchmaker.putExpert(expert);
    WaitingRequest first = request("tax", Mode.CHAT, JING_AN, null, Duration.ofSeconds(5));
    WaitingRequest second = request("tax", Mode.CHAT, JING_AN, null, Duration.ZERO);
    matchmaker.enqueue(first);
    matchmaker.enqueue(second);
    assertThat(matchmaker.assign(NOW)).singleElement().satisfies(p -> assertThat(p.request().id()).isEqualTo(first.id()));
    matchmaker.offerMade(first.id(), expert.id(), NOW);
    assertThat(matchmaker.assign(NOW)).as("the only expert is full now").isEmpty();

    matchmaker.offerEnded(first.id(), expert.id(), true);
    assertThat(matchmaker.assign(NOW)).as("first excluded the expert who declined; second gets them")
        .singleElement().satisfies(p -> assertThat(p.request().id()).isEqualTo(second.id()));
  }

  @Test
  @DisplayName("queue order is oldest place first")
  void queueOrder() {
    WaitingRequest newer = request("tax", Mode.CHAT, JING_AN, null, Duration.ofSeconds(1));
    WaitingRequest older = request("tax", Mode.CHAT, JING_AN, null, Duration.ofSeconds(9));
    matchmaker.enqueue(newer);
    matchmaker.enqueue(older);
    assertThat(matchmaker.queue(new Topic("tax"))).containsExactly(older, newer);
  }

  @Test
  @DisplayName("positions count within a topic, and follow requests leaving and coming back")
  void positions() {
    WaitingRequest oldest = request("tax", Mode.CHAT, JING_AN, null, Duration.ofSeconds(30));
    WaitingRequest legal = request("legal", Mode.CHAT, JING_AN, null, Duration.ofSeconds(20));
    WaitingRequest middle = request("tax", Mode.CHAT, JING_AN, null, Duration.ofSeconds(10));
    WaitingRequest newest = request("tax", Mode.CHAT, JING_AN, null, Duration.ofSeconds(1));
    List.of(newest, legal, oldest, middle).forEach(matchmaker::enqueue);
    assertThat(List.of(oldest, middle, newest, legal)).extracting(matchmaker::position).containsExactly(1, 2, 3, 1);
    assertThat(matchmaker.queuedTopics()).containsExactlyInAnyOrder(new Topic("tax"), new Topic("legal"));

    matchmaker.remove(oldest.id());
    matchmaker.remove(legal.id());
    assertThat(matchmaker.position(oldest)).as("no longer waiting").isZero();
    assertThat(List.of(middle, newest)).extracting(matchmaker::position).containsExactly(1, 2);
    assertThat(matchmaker.queuedTopics()).containsExactly(new Topic("tax"));

    matchmaker.enqueue(oldest);
    matchmaker.enqueue(oldest); // enqueued again (reloaded): still one place
    assertThat(matchmaker.queue(new Topic("tax"))).containsExactly(oldest, middle, newest);
  }

  @Test
  @DisplayName("a burst of alike requests fills every free expert in one batch, not just one request's candidates")
  void burstFillsEveryExpert() {
    int n = 3 * config.candidatesPerRequest();
    for (int i = 0; i < n; i++) {
      matchmaker.putExpert(expert("tax", JING_AN, Mode.CHAT));
      matchmaker.enqueue(request("tax", Mode.CHAT, JING_AN, null, Duration.ofSeconds(i + 1)));
    }
    List<Matchmaker.Proposal> batch = matchmaker.assign(NOW);
    assertThat(batch).hasSize(n);
    assertThat(batch.stream().map(p -> p.expert().id()).distinct()).as("one new offer per expert").hasSize(n);
  }
}
