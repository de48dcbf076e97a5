package io.tandem.booking;

import io.tandem.config.ConfigReader;
import java.time.Duration;

/**
 * Bookings ({@code bookings.*}; docs/operations.md, "Bookings"). A client cancels free of charge
 * until {@code freeCancel} before the start, and pays {@code lateCancelFeePercent} of the price to
 * the expert after that. An expert is offered no instant request from {@code noInstantBefore}
 * before a booking of theirs until its end, so that an instant session does not run into it.
 */
public record BookingConfig(Duration freeCancel, int lateCancelFeePercent, Duration noInstantBefore) {
  public static BookingConfig from(ConfigReader r) {
    return new BookingConfig(
        Duration.ofHours(r.intBetween("freeCancelHours", 0, 24 * 30)),
        r.intBetween("lateCancelFeePercent", 0, 100),
        Duration.ofMinutes(r.intBetween("noInstantBeforeMinutes", 0, 24 * 60)));
  }

  /** What a client pays for cancelling a booking of {@code price} late: a whole share, rounded down. */
  public long lateCancelFee(long price) {
    return price * lateCancelFeePercent / 100;
  }
}
