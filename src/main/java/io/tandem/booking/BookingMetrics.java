package io.tandem.booking;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code tandem_bookings_total{outcome}}: bookings made, refused as taken, cancelled (how), and
 * opened, counted after each commit; {@code tandem_booking_reminders_total{channel}}: reminders sent.
 */
final class BookingMetrics {
  /** What came of a booking, as the metric's {@code outcome} label says it. */
  enum Outcome {
    CONFIRMED("confirmed"),
    /** The slot, or the client's time, was booked by a commit just before. */
    TAKEN("taken"),
    CANCELLED_FREE("cancelled_free"),
    CANCELLED_LATE("cancelled_late"),
    CANCELLED_BY_EXPERT("cancelled_by_expert"),
    OPENED("opened");

    final String label;

    Outcome(String label) {
      this.label = label;
    }
  }

  private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);
  private final Counter remindersInApp;
  private final Counter remindersByMail;

  BookingMetrics(MeterRegistry registry) {
    for (Outcome outcome : Outcome.values()) {
      counters.put(outcome, Counter.builder("tandem.bookings").tag("outcome", outcome.label)
          .description("bookings by what came of them").register(registry));
    }
    remindersInApp = Counter.builder("tandem.booking.reminders").tag("channel", "app").description("booking reminders sent").register(registry);
    remindersByMail = Counter.builder("tandem.booking.reminders").tag("channel", "email").description("booking reminders sent").register(registry);
  }

  /** A reminder recorded sent: in the app to both sides, and {@code emails} mails accepted by the SMTP server. */
  void reminded(int emails) {
    remindersInApp.increment();
    remindersByMail.increment(emails);
  }

  void count(Outcome outcome) {
    counters.get(outcome).increment();
  }

  void count(Outcome outcome, int times) {
    counters.get(outcome).increment(times);
  }
}
