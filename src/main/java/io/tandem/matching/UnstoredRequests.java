package io.tandem.matching;

import io.tandem.kernel.RequestId;
import io.tandem.kernel.RequestStatus;
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
  /** Requests of the batches being written. */
  private final Set<RequestId> inFlight = new HashSet<>();
  /** Requests whose callers stored them themselves meanwhile (their {@code queued} came first): they stay, whatever the batch says. */
  private final Set<RequestId> storedByCaller = new HashSet<>();

  UnstoredRequests(int shard, ShardOffers.Host host, Matchmaker matchmaker, ShardOffers offers, QueueStanding standing) {
    this.shard = shard;
    this.host = host;
    this.matchmaker = matchmaker;
    this.offers = offers;
    this.standing = standing;
  }

  /** Holds {@code request} for the next batch; false (its caller told at once, to store it itself) when the shard stopped. */
  boolean add(RequestId request, Message<JsonObject> caller) {
    if (host.stopped()) {
      caller.fail(503, "shard " + shard + " stopped");
      return false;
    }
    waiting.put(request, caller);
    standing.unannounced(request);
    return true;
  }

  /**
   * The caller of a request held here stored it itself (its answer came too late) and says it is
   * queued: the request stays in the queue whatever this batch says, with PostgreSQL's deadline
   * from the caller's row. False when the request is not held here.
   */
  boolean storedByCaller(RequestId request) {
    if (!waiting.containsKey(request) && !inFlight.contains(request)) {
      return false;
    }
    storedByCaller.add(request);
    return true;
  }

  /** The ones to store with the batch starting now; their answers are the batch's, by {@link Batch#answer} or {@link Batch#failed}. */
  Batch take() {
    Batch batch = new Batch(waiting);
    inFlight.addAll(waiting.keySet());
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
     * The batch committed; answered before its offers are announced. One not stored broke a
     * unique index (its caller finds out which) and leaves the queue, unless it was stored
     * meanwhile by its caller, or an offer for it was made all the same ({@code offered}: a row
     * with its id was there already). One offered in this batch is answered as offered, so that
     * the answer, which may arrive after the offer's news, does not say less. A batch that found
     * the shard's lease gone ({@code fenced}) answers without a standing: the caller then tells
     * the shard's next owner itself. True when a request stored would fall back to another mode
     * if nobody is near: the fallback, which needs it stored, should look at it at once.
     */
    boolean answer(List<StoredRequest> stored, Set<RequestId> offered, boolean fenced) {
      Map<RequestId, StoredRequest> byId = new HashMap<>();
      stored.forEach(s -> byId.put(s.id(), s));
      boolean fallbacks = false;
      for (Map.Entry<RequestId, Message<JsonObject>> held : callers.entrySet()) {
        RequestId request = held.getKey();
        Message<JsonObject> caller = held.getValue();
        StoredRequest row = byId.get(request);
        if (row != null) {
          caller.reply(ShardMessages.stored(row, fenced ? new JsonObject() : stored(row, offered.contains(request))));
          fallbacks |= caller.body().getString("fallbackMode") != null;
        } else {
          if (!offered.contains(request) && !storedByCaller.contains(request)) {
            forget(request);
          }
          caller.reply(ShardMessages.notStored());
        }
        done(request);
      }
      return fallbacks;
    }

    /** The batch failed: nothing of it is stored, and the callers store their requests themselves. */
    void failed(Throwable cause) {
      callers.forEach((request, caller) -> {
        if (!storedByCaller.contains(request)) {
          forget(request);
        }
        caller.fail(503, "the request was not stored: " + cause.getMessage());
        done(request);
      });
    }
  }

  /** Its deadline is PostgreSQL's now; its standing, if the shard knows it (as {@link ShardMessages#standing} reads it). */
  private JsonObject stored(StoredRequest request, boolean offered) {
    host.touched(request.id());
    if (host.stopped()) {
      return new JsonObject();
    }
    offers.scheduleExpiry(request.id(), request.expiresAt());
    standing.announced(request.id());
    JsonObject told = standing.tellNow(request.id()).map(QueueStanding.Standing::toJson).orElseGet(JsonObject::new);
    return offered ? told.put("status", RequestStatus.OFFERED.wireName()) : told;
  }

  /** It left the queue without being stored. */
  private void forget(RequestId request) {
    if (!host.stopped()) {
      matchmaker.remove(request);
      offers.forget(request);
    }
  }

  /** The batch's answer for it is given: it is no longer held here, and the rounds may tell its news. */
  private void done(RequestId request) {
    inFlight.remove(request);
    storedByCaller.remove(request);
    standing.announced(request);
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
