package io.tandem.matching;

import io.tandem.kernel.Mode;
import io.tandem.kernel.RequestId;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-person request whose client chose a fallback mode switches to it as soon as nobody who
 * could meet them is within range (or online in person at all). PostgreSQL switches it first (it
 * must still be queued in person, so never under an offer); the client is told with a
 * {@code request.status} that carries the new {@code mode}.
 *
 * <p>Runs on its shard's event loop, as the shard does.
 */
final class InPersonFallback {
  private static final Logger log = LoggerFactory.getLogger(InPersonFallback.class);

  private final Matchmaker matchmaker;
  private final RequestRepository requests;
  private final QueueStanding standing;
  private final MatchingEvents events;
  /** Requests being switched in PostgreSQL right now. */
  private final Set<RequestId> switching = new HashSet<>();

  InPersonFallback(Matchmaker matchmaker, RequestRepository requests, QueueStanding standing, MatchingEvents events) {
    this.matchmaker = matchmaker;
    this.requests = requests;
    this.standing = standing;
    this.events = events;
  }

  /**
   * Switches every waiting request that should; {@code switched} runs for each one switched while
   * the shard still runs ({@code stopped} says whether it does), for the next batch to offer it.
   */
  void switchWhereNobodyIsNear(BooleanSupplier stopped, Runnable switched) {
    for (WaitingRequest request : matchmaker.waiting()) {
      if (request.fallbackMode().isEmpty() || request.offeredTo().isPresent() || switching.contains(request.id())) {
        continue;
      }
      if (!matchmaker.outlook(request).stall().filter(Stall::nobodyNear).isPresent()) {
        continue;
      }
      RequestId id = request.id();
      Mode fallback = request.fallbackMode().get();
      switching.add(id);
      requests.fallBack(id, request.topic(), fallback)
          .onSuccess(price -> {
            if (price.isEmpty() || stopped.getAsBoolean()) {
              return;
            }
            matchmaker.request(id).ifPresent(r -> {
              r.fallBack();
              log.info("request {}: nobody within range in person; switched to {} as its client chose", id, fallback.wireName());
              standing.tellNow(id).ifPresent(told -> events.requestFellBack(r.clientId(), told, fallback, price.get()));
              switched.run();
            });
          })
          .onFailure(e -> log.warn("request {} not switched to {} (the next batch tries again): {}", id, fallback.wireName(), e.getMessage()))
          .onComplete(done -> switching.remove(id));
    }
  }
}
