package io.tandem.matching;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.Topic;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What matching counts for {@code /metrics}. Every count is taken where PostgreSQL has committed
 * the change (in {@link RequestRepository} and {@link OfferRepository}, whoever called it: a client, a timer, the sweeper),
 * so that the nodes of a cluster add up to what happened, each change counted once.
 *
 * <p>The {@code topic} tag is a topic root, bounded to the roots the operator priced in
 * {@code ledger.topicPrices}; any other root is {@code other}. Topics are free-form slugs chosen
 * by clients, and a tag taken from them would let any client grow the series without limit.
 */
public final class MatchingMetrics {
  static final String OTHER_TOPIC = "other";
  private static final Duration[] WAIT_SLOS = {Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10)};

  /** How one topic root's queue looks on this node right now. */
  record QueueSample(int depth, Instant oldestQueuedAt) {}

  private final MeterRegistry registry;
  private final Set<String> roots;
  private final Clock clock;
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Counter> closedRequests = new ConcurrentHashMap<>();
  private final Map<String, Timer> waits = new ConcurrentHashMap<>();
  private final Map<String, Counter> offers = new ConcurrentHashMap<>();
  private final Counter offersMade;
  private final Map<String, Counter> leaseChanges = new ConcurrentHashMap<>();
  /** Per shard this node owns, per topic root: written by the shards' event loop, read by scrapes. */
  private final Map<Integer, Map<String, QueueSample>> queues = new ConcurrentHashMap<>();
  private final Set<String> queueGauges = ConcurrentHashMap.newKeySet();
  private final AtomicInteger shardsOwned = new AtomicInteger();

  public MatchingMetrics(MeterRegistry registry, Set<String> pricedRoots, Clock clock) {
    this.registry = registry;
    this.roots = Set.copyOf(pricedRoots);
    this.clock = clock;
    this.offersMade = Counter.builder("tandem.offers.made").description("offers made to experts").register(registry);
    Gauge.builder("tandem.shards.owned", shardsOwned, AtomicInteger::get)
        .description("matching shards this node holds the lease of").register(registry);
  }

  /** The tag value for a topic: its root when priced, else {@code other}. */
  String tag(Topic topic) {
    String root = topic.root();
    return roots.contains(root) ? root : OTHER_TOPIC;
  }

  /** {@code tandem_requests_total}: not {@code _created_total}, a suffix Prometheus keeps for creation timestamps. */
  void requestCreated(Topic topic) {
    String tag = tag(topic);
    requests.computeIfAbsent(tag, t -> Counter.builder("tandem.requests").tag("topic", t)
        .description("requests created, by topic root").register(registry)).increment();
  }

  /** A request left the queue without a match: {@code expired} or {@code cancelled}. */
  void requestClosed(RequestStatus status, Topic topic) {
    closed(status.wireName(), topic).increment();
  }

  /** A request matched, {@code waited} after it was (last) queued. */
  void requestMatched(Topic topic, Duration waited) {
    closed("matched", topic).increment();
    wait("tandem.request.time.to.match", "from queued to an accepted offer", topic).record(waited);
  }

  /** The first offer of a request (as the shard holding it knows), {@code waited} after it was queued. */
  void firstOffer(Topic topic, Duration waited) {
    wait("tandem.request.time.to.offer", "from queued to the first offer", topic).record(waited);
  }

  /** Requests that left the queue without a match, as {@code status}, and the offers they had pending, taken back. */
  void requestsClosed(RequestStatus status, List<ClosedRequest> closed) {
    closed.forEach(r -> {
      requestClosed(status, r.topic());
      r.revoked().ifPresent(o -> offerClosed(OfferState.REVOKED));
    });
  }

  /** Offers closed without a session as {@code state}; one whose client was not there counts as revoked. */
  void offersClosed(OfferState state, List<ClosedOffer> closed) {
    closed.forEach(c -> offerClosed(c.clientAway() ? OfferState.REVOKED : state));
  }

  void offersMade(int count) {
    offersMade.increment(count);
  }

  /** An offer closed: {@code accepted}, {@code declined}, {@code timed_out} or {@code revoked}. */
  void offerClosed(OfferState outcome) {
    offers.computeIfAbsent(outcome.stored(), o -> Counter.builder("tandem.offers").tag("outcome", o)
        .description("offers closed, by outcome").register(registry)).increment();
  }

  void leaseAcquired() {
    leaseChange("acquired");
    shardsOwned.incrementAndGet();
  }

  /** Taken from this node: its renewal failed or a write found it fenced. */
  void leaseLost() {
    leaseChange("lost");
    shardsOwned.decrementAndGet();
  }

  /** Given back: to balance the shards over more nodes, or on shutdown. */
  void leaseReleased() {
    leaseChange("released");
    shardsOwned.decrementAndGet();
  }

  /** A shard's queues now; an empty map when the shard is given up. */
  void queues(int shard, Map<String, QueueSample> byRoot) {
    if (byRoot.isEmpty()) {
      queues.remove(shard);
      return;
    }
    queues.put(shard, Map.copyOf(byRoot));
    for (String root : byRoot.keySet()) {
      if (queueGauges.add(root)) {
        Gauge.builder("tandem.matching.queue.depth", () -> queueDepth(root)).tag("topic", root)
            .description("requests waiting, in the shards this node owns").register(registry);
        Gauge.builder("tandem.matching.oldest.wait", () -> oldestWaitSeconds(root)).tag("topic", root).baseUnit("seconds")
            .description("how long the longest-waiting request has waited, in the shards this node owns").register(registry);
      }
    }
  }

  private int queueDepth(String root) {
    return queues.values().stream().mapToInt(q -> q.getOrDefault(root, EMPTY).depth()).sum();
  }

  private double oldestWaitSeconds(String root) {
    return queues.values().stream().map(q -> q.get(root)).filter(s -> s != null && s.oldestQueuedAt() != null)
        .map(QueueSample::oldestQueuedAt).min(Instant::compareTo)
        .map(oldest -> Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0)).orElse(0.0);
  }

  private static final QueueSample EMPTY = new QueueSample(0, null);

  private Counter closed(String outcome, Topic topic) {
    String tag = tag(topic);
    return closedRequests.computeIfAbsent(outcome + "/" + tag, k -> Counter.builder("tandem.requests.closed").tag("topic", tag)
        .tag("outcome", outcome).description("requests that left the queue, by topic root and outcome").register(registry));
  }

  private Timer wait(String name, String description, Topic topic) {
    String tag = tag(topic);
    return waits.computeIfAbsent(name + "/" + tag, k -> Timer.builder(name).tag("topic", tag).description(description)
        .serviceLevelObjectives(WAIT_SLOS).register(registry));
  }

  private void leaseChange(String change) {
    leaseChanges.computeIfAbsent(change, c -> Counter.builder("tandem.shard.lease.changes").tag("change", c)
        .description("matching-shard leases this node acquired or lost").register(registry)).increment();
  }
}
