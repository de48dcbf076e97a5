package io.tandem.booking;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/** {@code tandem_bookings_total{outcome}}: bookings made, refused as taken, cancelled (how), and opened, counted after each commit. */
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

  BookingMetrics(MeterRegistry registry) {
    for (Outcome outcome : Outcome.values()) {
      counters.put(outcome, Counter.builder("tandem.bookings").tag("outcome", outcome.label)
          .description("bookings by what came of them").register(registry));
    }
  }

  void count(Outcome outcome) {
    counters.get(outcome).increment();
  }

  void count(Outcome outcome, int times) {
    counters.get(outcome).increment(times);
  }
}
