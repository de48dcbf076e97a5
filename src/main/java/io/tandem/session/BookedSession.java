package io.tandem.session;

import io.tandem.kernel.BookingId;
import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import java.time.Instant;
import java.util.Optional;

/**
 * A booking's session, opened at its start ({@code SessionRepository::openBooked}): the booking's id
 * for the session's, the price held when it was booked, the join window counted from the booked
 * start (not from when a sweep got to it) and, in person, where the booking said they meet.
 */
public record BookedSession(BookingId booking, UserId client, UserId expert, Topic topic, Mode mode, Instant joinDeadline,
    Optional<GeoPoint> meetingPoint, long price, long platformFee) {}
