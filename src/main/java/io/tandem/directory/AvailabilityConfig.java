package io.tandem.directory;

import io.tandem.config.ConfigReader;
import io.tandem.kernel.Mode;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Bookable time ({@code availability.*}; docs/operations.md, "Availability"): a slot lasts
 * {@code slotMinutes} of its mode; slots that start sooner than {@code minNotice} from now are not
 * offered (a booking is for later: an expert needs the notice); one call lists at most
 * {@code maxRangeDays} of slots; none starts more than {@code horizon} ({@code maxDaysAhead}) from now.
 */
public record AvailabilityConfig(Map<Mode, Duration> slotLength, Duration minNotice, int maxRangeDays, Duration horizon) {
  public static AvailabilityConfig from(ConfigReader r) {
    ConfigReader minutes = r.section("slotMinutes");
    Map<Mode, Duration> lengths = new EnumMap<>(Mode.class);
    for (Mode mode : Mode.values()) {
      lengths.put(mode, Duration.ofMinutes(minutes.intBetween(mode.wireName(), 5, 8 * 60)));
    }
    return new AvailabilityConfig(Map.copyOf(lengths), Duration.ofMinutes(r.intBetween("minNoticeMinutes", 0, 7 * 24 * 60)),
        r.intBetween("maxRangeDays", 1, 366), Duration.ofDays(r.intBetween("maxDaysAhead", 1, 2 * 366)));
  }
}
