package io.tandem.matching;

import io.tandem.kernel.RequestId;
import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where each waiting request of a shard stands (status, queue position, ETA) and which clients
 * have not been told yet. Plain Java over the shard's {@link Matchmaker} and {@link EtaEstimator}:
 * no clock, no timers; the shard decides how often to ask.
 *
 * <p>A client is told again only when the status or the position changes, or the ETA moves into
 * another {@link #ETA_STEP_SECONDS}-second step: an estimate that wobbles by a second is not news.
 */
final class QueueStanding {
  static final long ETA_STEP_SECONDS = 5;

  /** One request's standing, as {@code request.status} carries it. */
  record Standing(RequestId request, UserId client, RequestStatus status, int position, long etaSeconds) {
    JsonObject toJson() {
      return new JsonObject().put("status", status.wireName()).put("position", position).put("etaSeconds", etaSeconds);
    }

    private String key() {
      return status + "/" + position + "/" + (etaSeconds / ETA_STEP_SECONDS);
    }
  }

  private final Matchmaker matchmaker;
  private final EtaEstimator eta;
  private final Map<RequestId, String> told = new HashMap<>();

  QueueStanding(Matchmaker matchmaker, EtaEstimator eta) {
    this.matchmaker = matchmaker;
    this.eta = eta;
  }

  /** The standing of a waiting request; empty when it is not waiting in this shard. */
  Optional<Standing> of(RequestId id) {
    return matchmaker.request(id).map(request -> {
      List<WaitingRequest> queue = matchmaker.queue(request.topic());
      return standing(request, queue.indexOf(request) + 1, matchmaker.freeExperts(request.topic()));
    });
  }

  /** The client has this standing already (it came with the answer to its create). */
  void told(Standing standing) {
    told.put(standing.request(), standing.key());
  }

  /**
   * Every waiting request whose client has not been told its current standing, in queue order per
   * topic; they count as told from now. One call walks every queue once.
   */
  List<Standing> changed() {
    Set<Topic> topics = new LinkedHashSet<>();
    matchmaker.waiting().forEach(r -> topics.add(r.topic()));
    List<Standing> changed = new ArrayList<>();
    for (Topic topic : topics) {
      List<WaitingRequest> queue = matchmaker.queue(topic);
      int free = matchmaker.freeExperts(topic);
      for (int i = 0; i < queue.size(); i++) {
        Standing standing = standing(queue.get(i), i + 1, free);
        if (!standing.key().equals(told.put(standing.request(), standing.key()))) {
          changed.add(standing);
        }
      }
    }
    return changed;
  }

  /** The request left the shard: nothing more to tell about it. */
  void forget(RequestId request) {
    told.remove(request);
  }

  private Standing standing(WaitingRequest request, int position, int freeExperts) {
    RequestStatus status = request.offeredTo().isPresent() ? RequestStatus.OFFERED : RequestStatus.QUEUED;
    return new Standing(request.id(), request.clientId(), status, position, eta.estimateSeconds(request.topic(), position, freeExperts));
  }
}
