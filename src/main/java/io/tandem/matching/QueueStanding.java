package io.tandem.matching;

import io.tandem.kernel.Mode;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where each waiting request of a shard stands (status, queue position, ETA, why it is not moving) and which clients
 * have not been told yet. Plain Java over the shard's {@link Matchmaker} and {@link EtaEstimator}:
 * no clock, no timers; the shard decides how often to ask.
 *
 * <p>A client is told again only when the status or the position changes, or the ETA moves into
 * another {@link #ETA_STEP_SECONDS}-second step: an estimate that wobbles by a second is not news.
 */
final class QueueStanding {
  static final long ETA_STEP_SECONDS = 5;

  /**
   * One request's standing, as {@code request.status} carries it: {@code etaSeconds} is null when
   * nobody can take the request ({@link Stall#hopeless}), and {@code reason} says why it is not
   * moving, if it is not.
   */
  record Standing(RequestId request, UserId client, RequestStatus status, int position, Long etaSeconds, Optional<Stall> reason) {
    /** The {@code request.status} that tells it. */
    MatchingEvents.RequestStatusChanged event() {
      return new MatchingEvents.RequestStatusChanged(request, status, position, etaSeconds, reason.map(Stall::wireName).orElse(null), null, null);
    }

    /** The owner's answer to a position or queued command: the same fields. */
    JsonObject toJson() {
      return event().fields();
    }

    /** Whether a client told {@code before} would learn something from this one. */
    private boolean newsAfter(Standing before) {
      return before == null || !sameState(before) || position != before.position || etaStep() != before.etaStep();
    }

    /** Same status, same reason and the same hope (an ETA or none): only the numbers moved, if anything. */
    private boolean sameState(Standing before) {
      return status == before.status && reason.equals(before.reason) && (etaSeconds == null) == (before.etaSeconds == null);
    }

    private long etaStep() {
      return etaSeconds == null ? -1 : etaSeconds / ETA_STEP_SECONDS;
    }
  }

  private final Matchmaker matchmaker;
  private final EtaEstimator eta;
  private final int perRound;
  private final Map<RequestId, Standing> told = new HashMap<>();
  /** Requests waiting for their store to commit: no round tells their clients anything yet. */
  private final Set<RequestId> unannounced = new HashSet<>();
  private boolean behind;

  /** {@code perRound}: at most this many standings leave one round ({@code matching.statusPushesPerRound}). */
  QueueStanding(Matchmaker matchmaker, EtaEstimator eta, int perRound) {
    this.matchmaker = matchmaker;
    this.eta = eta;
    this.perRound = perRound;
  }

  /** The standing of a waiting request; empty when it is not waiting in this shard. */
  Optional<Standing> of(RequestId id) {
    return matchmaker.request(id).map(request -> standing(request, matchmaker.position(request), new HashMap<>()));
  }

  /** The standing of a waiting request, to be sent now: it counts as told. */
  Optional<Standing> tellNow(RequestId id) {
    Optional<Standing> standing = of(id);
    standing.ifPresent(this::told);
    return standing;
  }

  /** The client has this standing already (it came with the answer to its create). */
  void told(Standing standing) {
    told.put(standing.request(), standing);
  }

  /**
   * The waiting requests whose clients have not been told their current standing, at most
   * {@code perRound} of them; those count as told from now. One call walks every queue once.
   *
   * <p>Under overload a queue of thousands shifts by a place with every match, and telling every
   * client every round would cost more than the matching itself. So a round goes first to news
   * that changes what a client sees (status, reason, whether there is an ETA at all), then to the
   * front of the queues, where a place is worth knowing; the rest are told in a later round (see
   * {@link #behind()}), still with their standing of that moment.
   */
  List<Standing> changed() {
    List<Standing> news = new ArrayList<>();
    Map<String, Matchmaker.Outlook> shared = new HashMap<>();
    for (Topic topic : List.copyOf(matchmaker.queuedTopics())) {
      List<WaitingRequest> queue = matchmaker.queue(topic);
      for (int i = 0; i < queue.size(); i++) {
        if (unannounced.contains(queue.get(i).id())) {
          continue;
        }
        Standing standing = standing(queue.get(i), i + 1, shared);
        if (standing.newsAfter(told.get(standing.request()))) {
          news.add(standing);
        }
      }
    }
    behind = news.size() > perRound;
    if (behind) {
      news.sort(Comparator.comparing((Standing s) -> {
        Standing before = told.get(s.request());
        return before != null && s.sameState(before);
      }).thenComparingInt(Standing::position));
      news = new ArrayList<>(news.subList(0, perRound));
    }
    news.forEach(this::told);
    return news;
  }

  /** Whether the last round left news untold for lack of room: another round should follow. */
  boolean behind() {
    return behind;
  }

  /** The request left the shard: nothing more to tell about it. */
  void forget(RequestId request) {
    told.remove(request);
    unannounced.remove(request);
  }

  /**
   * The request is not stored yet ({@link UnstoredRequests}): its client hears of it first in the
   * answer to their create (it may yet be refused), so the rounds say nothing of it until then.
   */
  void unannounced(RequestId request) {
    unannounced.add(request);
  }

  /** The request's create was answered: the rounds tell its news from now on. */
  void announced(RequestId request) {
    unannounced.remove(request);
  }

  /**
   * A request being offered is moving, whatever the others do; one that is not is judged by its
   * {@link Matchmaker#outlook}: no ETA when nobody can take it, else one from recent matches on the
   * topic, by the experts who could serve it.
   */
  private Standing standing(WaitingRequest request, int position, Map<String, Matchmaker.Outlook> shared) {
    if (request.offeredTo().isPresent()) {
      return new Standing(request.id(), request.clientId(), RequestStatus.OFFERED, position,
          eta.estimateSeconds(request.topic(), position, 1), Optional.empty());
    }
    Matchmaker.Outlook outlook = outlook(request, shared);
    Long seconds = outlook.stall().filter(Stall::hopeless).isPresent()
        ? null
        : eta.estimateSeconds(request.topic(), position, outlook.servers());
    return new Standing(request.id(), request.clientId(), RequestStatus.QUEUED, position, seconds, outlook.stall());
  }

  /**
   * An online request that excludes nobody has the same outlook as every other such request of its
   * topic and mode (distance does not limit it): a round asks the matchmaker once per topic and
   * mode, not once per request, so that a long queue costs a walk of the queue, not the queue times
   * the experts. In-person requests and those some expert declined are asked about one by one.
   */
  private Matchmaker.Outlook outlook(WaitingRequest request, Map<String, Matchmaker.Outlook> shared) {
    if (request.mode() == Mode.IN_PERSON || !request.excludesNobody()) {
      return matchmaker.outlook(request);
    }
    return shared.computeIfAbsent(request.topic().value() + "/" + request.mode().wireName(), key -> matchmaker.outlook(request));
  }
}
