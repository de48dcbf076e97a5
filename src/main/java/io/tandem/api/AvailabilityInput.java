package io.tandem.api;

import io.tandem.directory.Availability;
import io.tandem.wire.JsonInput;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code PUT /api/v1/experts/me/availability}'s body read into an {@link Availability}: a time
 * zone (an IANA name), weekly hours and exceptions, each field checked and named in its error.
 */
final class AvailabilityInput {
  static final int MAX_WEEKLY = 70;
  static final int MAX_EXCEPTIONS = 366;
  static final int MAX_HOURS_PER_DATE = 10;
  /** Exceptions reach this far ahead at most; further plans are not availability but guesses. */
  static final int MAX_YEARS_AHEAD = 2;
  private static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

  private AvailabilityInput() {}

  static Availability read(JsonInput body, Clock clock) {
    String zoneName = body.requiredString("timeZone", 1, 64);
    ZoneId zone;
    try {
      zone = ZoneId.of(zoneName);
    } catch (DateTimeException e) {
      throw body.invalid("timeZone", "'" + zoneName + "' is not a time zone: an IANA name like Asia/Shanghai or Europe/Berlin");
    }
    List<Availability.Window> weekly = new ArrayList<>();
    Map<DayOfWeek, List<Placed>> byDay = new HashMap<>();
    for (JsonInput item : body.requiredObjects("weekly", MAX_WEEKLY)) {
      String day = item.requiredString("day", 3, 3).toLowerCase(Locale.ROOT);
      if (!DAYS.contains(day)) {
        throw item.invalid("day", "must be one of mon, tue, wed, thu, fri, sat, sun; got " + day);
      }
      Placed hours = hours(item);
      DayOfWeek dayOfWeek = DayOfWeek.of(DAYS.indexOf(day) + 1);
      noOverlap(byDay.computeIfAbsent(dayOfWeek, d -> new ArrayList<>()), hours);
      weekly.add(new Availability.Window(dayOfWeek, hours.hours().from(), hours.hours().to()));
    }
    LocalDate today = LocalDate.now(clock.withZone(zone));
    Map<LocalDate, String> dates = new HashMap<>();
    List<Availability.DateHours> exceptions = new ArrayList<>();
    for (JsonInput item : body.optionalObjects("exceptions", MAX_EXCEPTIONS)) {
      String text = item.requiredString("date", 10, 10);
      LocalDate date;
      try {
        date = LocalDate.parse(text);
      } catch (DateTimeParseException e) {
        throw item.invalid("date", "must be a date like 2026-12-24, got " + text);
      }
      if (date.isBefore(today)) {
        throw item.invalid("date", text + " is in the past (today is " + today + " in " + zone + ")");
      }
      if (date.isAfter(today.plusYears(MAX_YEARS_AHEAD))) {
        throw item.invalid("date", text + " is more than " + MAX_YEARS_AHEAD + " years ahead");
      }
      String before = dates.putIfAbsent(date, item.path());
      if (before != null) {
        throw item.invalid("date", text + " is listed twice (also at " + before + "): give each date one exception with all its hours");
      }
      List<Placed> placed = new ArrayList<>();
      List<Availability.Hours> hours = new ArrayList<>();
      for (JsonInput range : item.requiredObjects("hours", MAX_HOURS_PER_DATE)) {
        Placed h = hours(range);
        noOverlap(placed, h);
        hours.add(h.hours());
      }
      exceptions.add(new Availability.DateHours(date, hours));
    }
    return new Availability(zone, weekly, exceptions);
  }

  /** Hours read from {@code from} and {@code to}, with where they were given. */
  private record Placed(Availability.Hours hours, JsonInput at) {}

  private static Placed hours(JsonInput item) {
    LocalTime from = time(item, "from", false);
    LocalTime to = time(item, "to", true);
    if (!to.equals(LocalTime.MIDNIGHT) && !to.isAfter(from)) {
      throw item.invalid("to", "must be after from (" + from + "); hours never cross midnight: split them at 24:00");
    }
    return new Placed(new Availability.Hours(from, to), item);
  }

  /** "09:30"; an end may be "24:00", the end of the day (kept as midnight). */
  private static LocalTime time(JsonInput item, String field, boolean end) {
    String text = item.requiredString(field, 5, 5);
    if (end && text.equals("24:00")) {
      return LocalTime.MIDNIGHT;
    }
    try {
      if (text.matches("\\d\\d:\\d\\d")) {
        return LocalTime.parse(text);
      }
    } catch (DateTimeParseException e) {
      // answered below
    }
    throw item.invalid(field, "must be a time like 09:30 (00:00 to " + (end ? "24:00" : "23:59") + "), got " + text);
  }

  private static void noOverlap(List<Placed> sameDay, Placed hours) {
    for (Placed other : sameDay) {
      if (startOf(hours) < endOf(other) && startOf(other) < endOf(hours)) {
        throw hours.at().invalid("from", "overlaps " + other.at().path() + " (" + other.hours().from() + "–" + label(other.hours().to()) + ")");
      }
    }
    sameDay.add(hours);
  }

  private static int startOf(Placed p) {
    return p.hours().from().toSecondOfDay();
  }

  private static int endOf(Placed p) {
    return p.hours().to().equals(LocalTime.MIDNIGHT) ? 24 * 3600 : p.hours().to().toSecondOfDay();
  }

  private static String label(LocalTime to) {
    return to.equals(LocalTime.MIDNIGHT) ? "24:00" : to.toString();
  }
}
