package io.tandem.directory;

import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * The times an expert is booked (not cancelled) that overlap {@code [from, to)}: what a list of free
 * slots leaves out. The booking feature owns bookings and implements this
 * ({@code BookingRepository::bookedBetween}); the directory sits below it and cannot import it.
 */
@FunctionalInterface
public interface BookedTimes {
  Future<List<Availability.Slot>> between(UserId expert, Instant from, Instant to);
}
