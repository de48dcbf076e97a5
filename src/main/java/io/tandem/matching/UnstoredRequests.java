package io.tandem.matching;

import io.tandem.kernel.RequestId;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * New requests a shard holds until its next batch stores them with its offers
 * ({@link ShardMessages#store}): queued in its memory already, in PostgreSQL once the batch
 * commits, each with the message its caller waits on. A caller that gets no {@code stored} answer
 * stores the request itself under the same id, so that a lost answer costs a moment, never a request.
 *
 * <p>Runs on its shard's event loop, as the shard does; nothing here needs locks.
 */
final class UnstoredRequests {
  private final int shard;
  private final ShardOffers.Host host;
  private final Matchmaker matchmaker;
  private final ShardOffers offers;
  private final QueueStanding standing;
  private Map<RequestId, Message<JsonObject>> waiting = new LinkedHashMap<>();

  UnstoredRequests(int shard, ShardOffers.Host host, Matchmaker matchmaker, ShardOffers offers, QueueStanding standing) {
    this.shard = shard;
    this.host = host;
    this.matchmaker = matchmaker;
    this.offers = offers;
    this.standing = standing;
  }

  /** Holds {@code request} for the next batch; false (its caller told at once) when the shard stopped. */
  boolean add(RequestId request, Message<JsonObject> caller) {
    if (host.stopped()) {
      caller.fail(503, "shard " + shard + " stopped");
      return false;
    }
    waiting.put(request, caller);
    return true;
  }

  /** The ones to store with the batch starting now; their answers are the batch's, by {@link #answer} or {@link #failed}. */
  Batch take() {
    Batch batch = new Batch(waiting);
    waiting = new LinkedHashMap<>();
    return batch;
  }

  /** The requests not yet in a batch. */
  Set<RequestId> ids() {
    return Set.copyOf(waiting.keySet());
  }

  /** The shard stopped: their callers store them themselves rather than wait out their timeout. */
  void stop() {
    waiting.values().forEach(m -> m.fail(503, "shard " + shard + " stopped before storing the request"));
    waiting.clear();
  }

  /** The requests of one batch and their callers. */
  final class Batch {
    private final Map<RequestId, Message<JsonObject>> callers;

    private Batch(Map<RequestId, Message<JsonObject>> callers) {
      this.callers = callers;
    }

    boolean isEmpty() {
      return callers.isEmpty();
    }

    int size() {
      return callers.size();
    }

    /** The rows to store, as {@code store_requests_and_make_offers} reads them. */
    List<JsonObject> rows() {
      return callers.values().stream().map(message -> ShardMessages.rowToStore(message.body())).toList();
    }

    /**
     * The batch committed. One not stored broke a unique index (its caller finds out which) and
     * leaves the queue, unless an offer for it was made all the same ({@code offered}): then a
     * row with its id was there already (its caller, tired of waiting, stored it itself) and it stays.
     */
    void answer(List<StoredRequest> stored, Set<RequestId> offered) {
      Map<RequestId, StoredRequest> byId = new HashMap<>();
      stored.forEach(s -> byId.put(s.id(), s));
      callers.forEach((request, message) -> {
        StoredRequest row = byId.get(request);
        if (row != null) {
          message.reply(ShardMessages.stored(row, stored(row)));
          return;
        }
        if (!offered.contains(request)) {
          forget(request);
        }
        message.reply(ShardMessages.notStored());
      });
    }

    /** The batch failed: nothing of it is stored, and the callers store their requests themselves. */
    void failed(Throwable cause) {
      callers.forEach((request, message) -> {
        forget(request);
        message.fail(503, "the request was not stored: " + cause.getMessage());
      });
    }
  }

  /** Its deadline is PostgreSQL's now; its standing, if the shard knows it (as {@link ShardMessages#standing} reads it). */
  private JsonObject stored(StoredRequest request) {
    host.touched(request.id());
    if (host.stopped()) {
      return new JsonObject();
    }
    offers.scheduleExpiry(request.id(), request.expiresAt());
    return standing.tellNow(request.id()).map(QueueStanding.Standing::toJson).orElseGet(JsonObject::new);
  }

  /** It left the queue without being stored. */
  private void forget(RequestId request) {
    if (!host.stopped()) {
      matchmaker.remove(request);
      offers.forget(request);
    }
  }

  /** The requests offered by a batch's attempts ({@code attempts} in the order of {@code proposals}). */
  static Set<RequestId> offered(List<Matchmaker.Proposal> proposals, List<OfferAttempt> attempts) {
    Set<RequestId> offered = new HashSet<>();
    for (int i = 0; i < attempts.size(); i++) {
      if (attempts.get(i) instanceof OfferAttempt.Made) {
        offered.add(proposals.get(i).request().id());
      }
    }
    return offered;
  }
}
