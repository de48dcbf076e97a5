package io.tandem.matching;

import io.tandem.kernel.ExpertSnapshot;
import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The matching core of one shard, in plain Java: the experts it knows, the requests waiting, and
 * the decision which request to offer to which expert. It owns no timers and no I/O; the shard
 * verticle feeds it events, calls {@link #assign} once per batch window, and writes the proposals
 * it returns to PostgreSQL, which has the final word (capacity and one-offer-per-request are
 * guarded there, so a stale view here can cost a retry, never a double booking).
 *
 * <p>Not thread-safe: one shard, one event loop.
 */
public final class Matchmaker {
  /** The queue order: oldest place first, ties broken by id so the order is total. */
  static final Comparator<WaitingRequest> QUEUE_ORDER =
      Comparator.comparing(WaitingRequest::queuedAt).thenComparing(r -> r.id().value());

  private final MatchingConfig config;
  private final Scoring scoring;
  private final ExpertIndex experts = new ExpertIndex();
  private final Map<RequestId, WaitingRequest> waiting = new HashMap<>();
  /**
   * The same requests in {@link #QUEUE_ORDER}, all of them and per topic (a request's topic and
   * place never change), so that a batch takes the oldest without sorting the queue and a
   * position is a walk to the request, not a sort: under overload the queue grows by hundreds a
   * second, and a sort per event made the shard's work grow with the square of its queue.
   */
  private final NavigableSet<WaitingRequest> inOrder = new TreeSet<>(QUEUE_ORDER);
  private final Map<Topic, NavigableSet<WaitingRequest>> byTopic = new HashMap<>();

  public Matchmaker(MatchingConfig config) {
    this.config = config;
    this.scoring = new Scoring(config);
  }

  /** A decision: offer this request to this expert. */
  public record Proposal(WaitingRequest request, ExpertSnapshot expert, double distanceKm, double score) {}

  public void putExpert(ExpertSnapshot expert) {
    experts.put(expert);
  }

  public void removeExpert(UserId expert) {
    experts.remove(expert);
  }

  public Optional<ExpertSnapshot> expert(UserId expert) {
    return experts.get(expert);
  }

  /** Corrects what this shard believes about an expert's load (from PostgreSQL, after any change). */
  public void setLoad(UserId expert, int load) {
    experts.get(expert).ifPresent(e -> experts.put(e.withLoad(load)));
  }

  public void enqueue(WaitingRequest request) {
    WaitingRequest replaced = waiting.put(request.id(), request);
    if (replaced != null) {
      unindex(replaced);
    }
    inOrder.add(request);
    byTopic.computeIfAbsent(request.topic(), t -> new TreeSet<>(QUEUE_ORDER)).add(request);
  }

  public Optional<WaitingRequest> request(RequestId id) {
    return Optional.ofNullable(waiting.get(id));
  }

  public Optional<WaitingRequest> remove(RequestId id) {
    WaitingRequest removed = waiting.remove(id);
    if (removed != null) {
      unindex(removed);
    }
    return Optional.ofNullable(removed);
  }

  private void unindex(WaitingRequest request) {
    inOrder.remove(request);
    NavigableSet<WaitingRequest> queue = byTopic.get(request.topic());
    queue.remove(request);
    if (queue.isEmpty()) {
      byTopic.remove(request.topic());
    }
  }

  /** The offer was written: the request waits for this expert and the expert carries one more. */
  public void offerMade(RequestId id, UserId expert, Instant now) {
    WaitingRequest request = waiting.get(id);
    if (request != null) {
      request.offeredTo(expert);
    }
    experts.get(expert).ifPresent(e -> experts.put(e.withLoad(e.load() + 1).withIdleSince(now)));
  }

  /**
   * The offer ended without a match: the request goes back to the queue, and with {@code exclude}
   * (declined or missed) never to this expert again.
   */
  public void offerEnded(RequestId id, UserId expert, boolean exclude) {
    WaitingRequest request = waiting.get(id);
    if (request != null) {
      if (exclude) {
        request.exclude(expert);
      }
      request.offeredTo(null);
    }
    experts.get(expert).ifPresent(e -> experts.put(e.withLoad(e.load() - 1)));
  }

  /** The client opened the request to everyone: no longer offered to their chosen expert alone. */
  public void openToAll(RequestId id) {
    Optional.ofNullable(waiting.get(id)).ifPresent(request -> request.choose(null));
  }

  /** PostgreSQL found the request's client not there ({@code away}), or they are back: only then is it proposed again. */
  public void clientAway(RequestId id, boolean away) {
    WaitingRequest request = waiting.get(id);
    if (request != null) {
      request.clientAway(away);
    }
  }

  /**
   * PostgreSQL refused the proposal because the expert is full or gone. Treat them as full until
   * the next load update says otherwise.
   */
  public void proposalRefused(UserId expert) {
    experts.get(expert).ifPresent(e -> experts.put(e.withLoad(e.capacity())));
  }

  /**
   * The best offers to make now: requests without a pending offer whose client is there, oldest first (at most
   * {@code maxBatchRequests}), each with its top {@code candidatesPerRequest} experts, assigned so
   * that the total score is maximal and no expert gets two new offers in one batch.
   *
   * <p>An expert is a candidate of at most {@code candidatesPerRequest} requests of a batch (the
   * oldest that would list them). Requests alike (a burst on one topic) rank the experts alike,
   * and without that bound every row listed the same few experts, so that a batch could make no
   * more offers than one request has candidates (10) while hundreds of experts sat idle: one shard
   * then made 10 offers a batch and fell behind at 150 requests/s. A request further down the
   * batch looks past the experts the older ones already hold enough claims on.
   */
  public List<Proposal> assign(Instant now) {
    List<WaitingRequest> rows = inOrder.stream()
        .filter(r -> r.offeredTo().isEmpty() && !r.clientAway() && r.expiresAt().isAfter(now))
        .limit(config.maxBatchRequests())
        .toList();
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<UserId, Integer> columnOf = new LinkedHashMap<>();
    List<ExpertSnapshot> columns = new ArrayList<>();
    List<List<Candidate>> candidatesByRow = new ArrayList<>(rows.size());
    Map<UserId, Integer> claims = new HashMap<>();
    int claimsPerExpert = config.candidatesPerRequest();
    for (WaitingRequest row : rows) {
      List<Candidate> candidates = candidates(row, now, expert -> claims.getOrDefault(expert, 0) >= claimsPerExpert);
      candidatesByRow.add(candidates);
      for (Candidate c : candidates) {
        claims.merge(c.expert().id(), 1, Integer::sum);
        if (columnOf.putIfAbsent(c.expert().id(), columns.size()) == null) {
          columns.add(c.expert());
        }
      }
    }
    if (columns.isEmpty()) {
      return List.of();
    }
    double[][] score = new double[rows.size()][columns.size()];
    for (int i = 0; i < rows.size(); i++) {
      java.util.Arrays.fill(score[i], Assignment.FORBIDDEN);
      for (Candidate c : candidatesByRow.get(i)) {
        score[i][columnOf.get(c.expert().id())] = c.score();
      }
    }
    int[] chosen = Assignment.maximize(score);
    List<Proposal> proposals = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      if (chosen[i] >= 0) {
        ExpertSnapshot expert = columns.get(chosen[i]);
        Candidate c = candidatesByRow.get(i).stream().filter(x -> x.expert().id().equals(expert.id())).findFirst().orElseThrow();
        proposals.add(new Proposal(rows.get(i), expert, c.distanceKm(), c.score()));
      }
    }
    return proposals;
  }

  /**
   * The experts who may be offered {@code request} now, best first, at most
   * {@code candidatesPerRequest}: available with a free slot, offering the mode and the topic or
   * an ancestor of it (see {@link #lineage}), not excluded, and for in-person requests within
   * {@code maxDistanceKm}.
   */
  public List<Candidate> candidates(WaitingRequest request, Instant now) {
    return candidates(request, now, expert -> false);
  }

  /** As {@link #candidates(WaitingRequest, Instant)}, passing over the experts {@code passOver} names. */
  private List<Candidate> candidates(WaitingRequest request, Instant now, Predicate<UserId> passOver) {
    int limit = config.candidatesPerRequest();
    // Asked of one expert: them alone, at any level of the topic's lineage (the client chose them).
    Optional<UserId> chosen = request.chosenExpert();
    Predicate<UserId> skip = chosen.map(only -> passOver.or(id -> !id.equals(only))).orElse(passOver);
    PriorityQueue<Candidate> best = new PriorityQueue<>(limit + 1, Comparator.comparingDouble(Candidate::score));
    List<Topic> lineage = chosen.isPresent() ? fullLineage(request) : lineage(request, now);
    Scoring.ForRequest scorer = scoring.forRequest(request, now);
    double radius = request.maxDistanceKm().orElse(config.maxDistanceKm());
    // Levels are visited closest first; an expert offering several of them counts at the closest.
    Set<UserId> seen = lineage.size() > 1 ? new HashSet<>() : null;
    for (int levelsUp = 0; levelsUp < lineage.size(); levelsUp++) {
      int level = levelsUp;
      Topic topic = lineage.get(levelsUp);
      Consumer<ExpertSnapshot> consider = expert -> {
        if ((seen == null || seen.add(expert.id())) && !skip.test(expert.id())) {
          offer(best, limit, request, expert, level, scorer);
        }
      };
      if (request.mode() == Mode.IN_PERSON) {
        // An in-person request always has a location (NewRequest).
        experts.forEachInPersonNear(topic, request.location().orElseThrow(), radius, consider);
      } else {
        experts.forEachOffering(topic, consider);
      }
    }
    List<Candidate> result = new ArrayList<>(best);
    result.sort(Comparator.comparingDouble(Candidate::score).reversed());
    return result;
  }

  private void offer(PriorityQueue<Candidate> best, int limit, WaitingRequest request, ExpertSnapshot expert, int levelsUp,
      Scoring.ForRequest scorer) {
    if (!expert.hasFreeSlot() || !couldServe(request, expert)) {
      return;
    }
    // Unknown (an online request or expert without a location): infinite, ranked as the farthest.
    double distance = GeoPoint.distanceKm(request.location(), expert.location());
    double score = scorer.score(expert, distance, levelsUp);
    if (best.size() == limit && score <= best.peek().score()) {
      return;
    }
    best.add(new Candidate(expert, distance, levelsUp, score));
    if (best.size() > limit) {
      best.poll();
    }
  }

  /**
   * The request's topic, then its parent, grandparent, ... The parents wait {@code parentTopicAfter}
   * only while an expert of the exact topic is online who could take the request (capacity aside):
   * with none, waiting for them would be pointless, and parents are candidates at once (ranked
   * lower by topic fit).
   */
  private List<Topic> lineage(WaitingRequest request, Instant now) {
    if (request.waited(now).compareTo(config.parentTopicAfter()) < 0 && exactTopicExpertCouldTake(request)) {
      return List.of(request.topic());
    }
    return fullLineage(request);
  }

  private static List<Topic> fullLineage(WaitingRequest request) {
    List<Topic> lineage = new ArrayList<>(4);
    for (Optional<Topic> t = Optional.of(request.topic()); t.isPresent(); t = t.get().parent()) {
      lineage.add(t.get());
    }
    return lineage;
  }

  private boolean exactTopicExpertCouldTake(WaitingRequest request) {
    boolean[] found = {false};
    experts.forEachOffering(request.topic(), expert -> {
      if (!found[0] && expert.available() && couldServe(request, expert)) {
        found[0] = true;
      }
    });
    return found[0];
  }

  /** Mode, range and exclusion: whether the expert could ever take the request, load aside. */
  private boolean couldServe(WaitingRequest request, ExpertSnapshot expert) {
    return expert.modes().contains(request.mode()) && inRange(request, expert) && !request.excludes(expert.id());
  }

  private boolean inRange(WaitingRequest request, ExpertSnapshot expert) {
    return request.mode() != Mode.IN_PERSON
        || GeoPoint.distanceKm(request.location(), expert.location()) <= request.maxDistanceKm().orElse(config.maxDistanceKm());
  }

  /** Whether a waiting request is moving, and if not why; see {@link Stall} for the order. */
  public record Outlook(Optional<Stall> stall, int servers) {}

  /**
   * Why the request is not moving, if it is not, and how many experts could serve it: those with
   * a free slot when it is moving, those at capacity when all are busy. Looks at the topic and all
   * its parents, whatever the request has waited: a parent's expert is only a little way off.
   */
  public Outlook outlook(WaitingRequest request) {
    if (request.chosenExpert().isPresent()) {
      // Waiting for one expert: moving while they could take it, else stalled on them (busy: waiting honestly).
      Optional<ExpertSnapshot> chosen = experts.get(request.chosenExpert().get());
      if (chosen.isEmpty() || !chosen.get().available() || !couldServe(request, chosen.get())
          || fullLineage(request).stream().noneMatch(chosen.get().topics()::contains)) {
        return new Outlook(Optional.of(Stall.CHOSEN_EXPERT_UNAVAILABLE), 0);
      }
      return chosen.get().hasFreeSlot() ? new Outlook(Optional.empty(), 1) : new Outlook(Optional.of(Stall.ALL_BUSY), 1);
    }
    int[] online = {0};
    int[] inRange = {0};
    int[] notExcluded = {0};
    int[] free = {0};
    Set<UserId> seen = new HashSet<>();
    for (Topic topic : fullLineage(request)) {
      experts.forEachOffering(topic, expert -> {
        if (!expert.available() || !expert.modes().contains(request.mode()) || !seen.add(expert.id())) {
          return;
        }
        online[0]++;
        if (!inRange(request, expert)) {
          return;
        }
        inRange[0]++;
        if (request.excludes(expert.id())) {
          return;
        }
        notExcluded[0]++;
        if (expert.hasFreeSlot()) {
          free[0]++;
        }
      });
    }
    if (online[0] == 0) {
      return new Outlook(Optional.of(Stall.NO_EXPERT_ONLINE), 0);
    }
    if (inRange[0] == 0) {
      return new Outlook(Optional.of(Stall.NONE_IN_RANGE), 0);
    }
    if (notExcluded[0] == 0) {
      return new Outlook(Optional.of(Stall.DECLINED_BY_ALL), 0);
    }
    if (free[0] == 0) {
      return new Outlook(Optional.of(Stall.ALL_BUSY), notExcluded[0]);
    }
    return new Outlook(Optional.empty(), free[0]);
  }

  /** The waiting requests on {@code topic}, in queue order; a request's position is its index + 1. */
  public List<WaitingRequest> queue(Topic topic) {
    return List.copyOf(byTopic.getOrDefault(topic, Collections.emptyNavigableSet()));
  }

  /** How many requests wait on {@code topic}. */
  public int depth(Topic topic) {
    NavigableSet<WaitingRequest> queue = byTopic.get(topic);
    return queue == null ? 0 : queue.size();
  }

  /** The request first in line on {@code topic}: the one queued longest ago. */
  public Optional<WaitingRequest> front(Topic topic) {
    NavigableSet<WaitingRequest> queue = byTopic.get(topic);
    return queue == null || queue.isEmpty() ? Optional.empty() : Optional.of(queue.first());
  }

  /** The topics with requests waiting. */
  public Set<Topic> queuedTopics() {
    return Collections.unmodifiableSet(byTopic.keySet());
  }

  /** A waiting request's place among those of its topic, 1 being next: a walk to it, no sort. */
  public int position(WaitingRequest request) {
    NavigableSet<WaitingRequest> queue = byTopic.get(request.topic());
    return queue == null || !queue.contains(request) ? 0 : queue.headSet(request, false).size() + 1;
  }

  public List<WaitingRequest> waiting() {
    return List.copyOf(waiting.values());
  }
}
