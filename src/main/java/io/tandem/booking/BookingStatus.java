package io.tandem.booking;

import java.util.Arrays;

/** Where a booking stands: booked and held, cancelled (by either side, before its start), or opened as a session at its start. */
public enum BookingStatus {
  CONFIRMED("confirmed"),
  CANCELLED("cancelled"),
  OPENED("opened");

  private final String wireName;

  BookingStatus(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  static BookingStatus stored(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("unknown booking status in the database: " + name));
  }
}
