package io.tandem.matching;

import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.money.Price;
import java.time.Instant;
import java.util.Optional;

/** What came of an expert's accept, step by step inside its one transaction. */
public sealed interface AcceptOutcome {
  /**
   * The repository's step: the offer is accepted and its request matched; the session is still to
   * be opened and the price held ({@link OfferService}). {@code price} is the one quoted when the
   * request was made; {@code expertLocation}: where an in-person session meets.
   */
  record Matched(RequestId requestId, UserId clientId, Topic topic, Mode mode, int shard, Instant queuedAt, Price price,
      String clientName, String expertName, Optional<GeoPoint> expertLocation) implements AcceptOutcome {}

  /** The whole accept: the session is open and the price held. */
  record Opened(Acceptance acceptance) implements AcceptOutcome {}

  /** The offer was no longer pending, or its time was up. */
  record OfferGone() implements AcceptOutcome {}

  /** The client was not there: the offer is withdrawn (revoked, no penalty) and the request waits for them. */
  record ClientAway(ClosedOffer offer) implements AcceptOutcome {}
}
