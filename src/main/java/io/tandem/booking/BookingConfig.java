package io.tandem.booking;

import io.tandem.config.ConfigReader;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Bookings ({@code bookings.*}; docs/operations.md, "Bookings"). A client cancels free of charge
 * until {@code freeCancel} before the start, and pays {@code lateCancelFeePercent} of the price to
 * the expert after that. An expert is offered no instant request from {@code noInstantBefore}
 * before a booking of theirs until its end, so that an instant session does not run into it. {@code reminderMinutes}: how long before a start
 * each reminder goes out ({@link Reminders}); {@code reminderClaim}: how long a node holds one it is
 * sending before another may take it over (the sender died).
 */
public record BookingConfig(Duration freeCancel, int lateCancelFeePercent, Duration noInstantBefore, List<Integer> reminderMinutes,
    Duration reminderClaim) {
  /** The longest lead a reminder may have: a week. */
  private static final int MAX_REMINDER_MINUTES = 7 * 24 * 60;

  public static BookingConfig from(ConfigReader r) {
    return new BookingConfig(
        Duration.ofHours(r.intBetween("freeCancelHours", 0, 24 * 30)),
        r.intBetween("lateCancelFeePercent", 0, 100),
        Duration.ofMinutes(r.intBetween("noInstantBeforeMinutes", 0, 24 * 60)),
        reminderMinutes(r, "reminderMinutes"),
        Duration.ofSeconds(r.intBetween("reminderClaimSeconds", 5, 3600)));
  }

  /** Minutes before a start, each 1 to a week, no two alike; an empty list sends no reminders. */
  private static List<Integer> reminderMinutes(ConfigReader r, String key) {
    if (!(r.value(key) instanceof JsonArray array)) {
      throw r.problem(key, "must be a list of minutes before a booking's start, like [1440, 10]; got " + r.value(key));
    }
    List<Integer> minutes = new ArrayList<>();
    for (Object item : array) {
      // From the environment a list comes as strings (TANDEM_BOOKINGS_REMINDER_MINUTES=1440,10).
      Integer m = item instanceof Integer i ? i : item instanceof String text && text.trim().matches("\\d{1,9}") ? Integer.valueOf(text.trim()) : null;
      if (m == null || m < 1 || m > MAX_REMINDER_MINUTES || minutes.contains(m)) {
        throw r.problem(key, "must hold whole minutes from 1 to " + MAX_REMINDER_MINUTES + ", each once, like [1440, 10]; got " + array.encode());
      }
      minutes.add(m);
    }
    return List.copyOf(minutes);
  }

  /** What a client pays for cancelling a booking of {@code price} late: a whole share, rounded down. */
  public long lateCancelFee(long price) {
    return price * lateCancelFeePercent / 100;
  }
}
