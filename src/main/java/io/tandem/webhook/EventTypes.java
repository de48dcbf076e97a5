package io.tandem.webhook;

import java.util.List;

/**
 * The lifecycle events a subscription may ask for, as the outbox triggers name them
 * ({@code db/migration/V9__webhooks.sql}, bookings' in V18); documented for receivers in docs/webhooks.md.
 */
public final class EventTypes {
  public static final List<String> ALL = List.of(
      "request.created", "request.matched", "request.expired", "request.cancelled", "request.requeued",
      "offer.made", "offer.accepted", "offer.declined", "offer.timed_out", "offer.revoked",
      "session.started", "session.completed", "session.no_show", "session.abandoned",
      "penalty.recorded", "penalty.waived",
      "ledger.hold", "ledger.capture", "ledger.release", "ledger.no_show_fee", "ledger.compensation",
      "ledger.refund", "ledger.top_up", "ledger.credit", "ledger.cancel_fee",
      "booking.confirmed", "booking.cancelled", "booking.reminder");

  private EventTypes() {}

  /** The names in {@code wanted} that are not event types. */
  static List<String> unknown(List<String> wanted) {
    return wanted.stream().filter(type -> !ALL.contains(type)).toList();
  }
}
