package io.tandem.matching;

import io.tandem.kernel.RequestId;
import io.tandem.kernel.UserId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a shard must repair after comparing its memory with what PostgreSQL says is waiting: a
 * plain function of the two. {@code gone}: requests no longer waiting, to forget;
 * {@code offersEnded}: requests whose offer ended unseen (declined or missed, as a rule: this
 * shard would have seen its own revoke), with the expert, who is not asked again; {@code unseen}:
 * requests waiting that the shard does not know, each with its pending offer if any; {@code opened}:
 * requests the shard holds for one expert that their client opened to everyone. Requests
 * changed while the read was in flight ({@code recent}) are left alone: the read is too old to judge them.
 */
record Reconciliation(List<RequestId> gone, Map<RequestId, UserId> offersEnded,
    List<Unseen> unseen, List<RequestId> opened) {
  record Unseen(RequestRecord request, Optional<MatchingQueries.PendingOffer> pendingOffer) {}

  static Reconciliation of(Collection<WaitingRequest> inMemory, Set<RequestId> recent, MatchingQueries.ShardState inDatabase) {
    Map<RequestId, RequestRecord> waiting = new HashMap<>();
    inDatabase.requests().forEach(r -> waiting.put(r.id(), r));
    Map<RequestId, MatchingQueries.PendingOffer> pending = new HashMap<>();
    inDatabase.pendingOffers().forEach(o -> pending.put(o.requestId(), o));
    List<RequestId> gone = new ArrayList<>();
    Map<RequestId, UserId> ended = new HashMap<>();
    Set<RequestId> known = new HashSet<>();
    List<RequestId> opened = new ArrayList<>();
    for (WaitingRequest request : inMemory) {
      known.add(request.id());
      if (recent.contains(request.id())) {
        continue;
      }
      if (!waiting.containsKey(request.id())) {
        gone.add(request.id());
        continue;
      }
      // A choice is only ever cleared, so PostgreSQL without one is the newer word.
      if (request.chosenExpert().isPresent() && waiting.get(request.id()).chosenExpert().isEmpty()) {
        opened.add(request.id());
      }
      if (request.offeredTo().isPresent() && !pending.containsKey(request.id())) {
        ended.put(request.id(), request.offeredTo().get());
      }
    }
    List<Unseen> unseen = new ArrayList<>();
    for (RequestRecord record : inDatabase.requests()) {
      if (!recent.contains(record.id()) && !known.contains(record.id())) {
        unseen.add(new Unseen(record, Optional.ofNullable(pending.get(record.id()))));
      }
    }
    return new Reconciliation(gone, ended, unseen, opened);
  }
}
