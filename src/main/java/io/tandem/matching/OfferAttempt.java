package io.tandem.matching;

import io.tandem.kernel.OfferId;
import io.tandem.money.Price;
import java.time.Instant;

/** What came of trying to write an offer. */
public sealed interface OfferAttempt {
  /** Written: the offer and what the expert is shown, the price among it. */
  record Made(OfferId offerId, Instant expiresAt, String clientDisplayName, String brief, Price price) implements OfferAttempt {}

  /** The request is no longer queued (cancelled, expired, or offered by someone else). */
  record RequestGone() implements OfferAttempt {}

  /** The request's client is not there (no connection, no recent poll): it waits for them. */
  record ClientAway() implements OfferAttempt {}

  /**
   * The request asks for another expert (PostgreSQL's guard, V17): the shard's copy was behind the
   * database, which cannot happen while a choice is only ever cleared. Nothing was written.
   */
  record NotChosen() implements OfferAttempt {}

  /** The expert is offline, disconnected or at capacity. */
  record ExpertUnavailable() implements OfferAttempt {}

  /** This node no longer holds the shard's lease with this epoch: it must stop offering. */
  record Fenced() implements OfferAttempt {}
}
