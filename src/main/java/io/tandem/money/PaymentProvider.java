package io.tandem.money;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Where a top-up is paid: the seam a payment provider plugs into (docs/operations.md, "Payments").
 * A provider either settles a new top-up at once (the demo) or leaves it pending until it confirms
 * the payment with a signed webhook, which Tandem credits exactly once.
 */
public interface PaymentProvider {
  /** Its name in {@code payments.provider} and in the webhook's path. */
  String name();

  /** Pretend money, labelled as such wherever it shows. */
  boolean demo();

  /** Whether a new top-up is credited at once rather than when the provider confirms it. */
  boolean creditsAtOnce();

  /** A confirmation the provider sent, or empty when it is not the provider's (a wrong or missing signature, a stale one). */
  Optional<PaymentEvent> verify(Map<String, String> headers, String body, long nowSeconds);

  /** A provider's word on one top-up: {@code eventId} is unique per event of this provider. */
  record PaymentEvent(String eventId, UUID topUpId, boolean succeeded, long amount, String currency) {}
}
