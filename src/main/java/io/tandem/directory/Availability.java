package io.tandem.directory;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * When an expert takes bookings, in their own time zone: hours per day of the week, and exceptions
 * that replace a date's weekly hours (no hours: a day off). Plain Java, no I/O.
 *
 * <p>Hours are wall-clock times of the expert's zone; slots are instants. A window is turned into
 * instants at its two ends and slots step through it in real time, so a window over a daylight
 * saving change holds the hours that really pass: 01:00–04:00 on the night clocks go forward is
 * two hours long, on the night they go back four, and no instant is offered twice.
 */
public record Availability(ZoneId timeZone, List<Window> weekly, List<DateHours> exceptions) {
  /** Hours on one day of the week, {@code to} after {@code from}; {@code to} of midnight means the end of the day. */
  public record Window(DayOfWeek day, LocalTime from, LocalTime to) {}

  /** One time range of a day, as exceptions list them. */
  public record Hours(LocalTime from, LocalTime to) {}

  /** A date whose hours replace the weekly ones: none means not available that day. */
  public record DateHours(LocalDate date, List<Hours> hours) {}

  /** A bookable time: {@code [startAt, endAt)}. */
  public record Slot(Instant startAt, Instant endAt) {}

  public Availability {
    weekly = List.copyOf(weekly);
    exceptions = List.copyOf(exceptions);
  }

  /** Not available at all: no weekly hours. */
  public static Availability none(ZoneId zone) {
    return new Availability(zone, List.of(), List.of());
  }

  /**
   * The slots of {@code length} that start at or after {@code from} and end by {@code to}, in
   * order. Each window's slots start at the window's start and follow each other without gaps;
   * a remainder shorter than {@code length} is not offered.
   */
  public List<Slot> slots(Instant from, Instant to, Duration length) {
    if (!to.isAfter(from) || length.isZero() || length.isNegative()) {
      return List.of();
    }
    Map<LocalDate, List<Hours>> byDate = new TreeMap<>();
    exceptions.forEach(e -> byDate.put(e.date(), e.hours()));
    List<Slot> slots = new ArrayList<>();
    // A day's windows may end up to a day after they start (a window to midnight), and a zone's
    // offset moves the local date by up to a day either way: one day of margin on each side.
    LocalDate first = from.atZone(timeZone).toLocalDate().minusDays(1);
    LocalDate last = to.atZone(timeZone).toLocalDate().plusDays(1);
    for (LocalDate date = first; !date.isAfter(last); date = date.plusDays(1)) {
      for (Hours hours : hoursOn(date, byDate)) {
        Instant start = ZonedDateTime.of(date, hours.from(), timeZone).toInstant();
        Instant end = hours.to().equals(LocalTime.MIDNIGHT)
            ? date.plusDays(1).atStartOfDay(timeZone).toInstant()
            : ZonedDateTime.of(date, hours.to(), timeZone).toInstant();
        for (Instant slot = start; !slot.plus(length).isAfter(end); slot = slot.plus(length)) {
          if (!slot.isBefore(from) && !slot.plus(length).isAfter(to)) {
            slots.add(new Slot(slot, slot.plus(length)));
          }
        }
      }
    }
    slots.sort(Comparator.comparing(Slot::startAt));
    return slots;
  }

  /**
   * {@code {timeZone, weekly: [{day, from, to}], exceptions: [{date, hours: [{from, to}]}]}}: the
   * contract's shape, which is also how it is stored.
   */
  public JsonObject toJson() {
    JsonArray days = new JsonArray();
    weekly.forEach(w -> days.add(hoursJson(w.from(), w.to()).put("day", w.day().name().substring(0, 3).toLowerCase(Locale.ROOT))));
    JsonArray dates = new JsonArray();
    exceptions.forEach(e -> dates.add(new JsonObject().put("date", e.date().toString())
        .put("hours", new JsonArray(e.hours().stream().map(h -> hoursJson(h.from(), h.to())).toList()))));
    return new JsonObject().put("timeZone", timeZone.getId()).put("weekly", days).put("exceptions", dates);
  }

  /** What {@link #toJson} wrote, read back (stored data, checked when it was saved). */
  public static Availability fromJson(JsonObject json) {
    List<Window> weekly = json.getJsonArray("weekly").stream().map(JsonObject.class::cast)
        .map(w -> new Window(dayOf(w.getString("day")), time(w.getString("from")), time(w.getString("to")))).toList();
    List<DateHours> exceptions = json.getJsonArray("exceptions").stream().map(JsonObject.class::cast)
        .map(e -> new DateHours(LocalDate.parse(e.getString("date")), e.getJsonArray("hours").stream().map(JsonObject.class::cast)
            .map(h -> new Hours(time(h.getString("from")), time(h.getString("to")))).toList()))
        .toList();
    return new Availability(ZoneId.of(json.getString("timeZone")), weekly, exceptions);
  }

  private static JsonObject hoursJson(LocalTime from, LocalTime to) {
    return new JsonObject().put("from", from.toString()).put("to", to.equals(LocalTime.MIDNIGHT) ? "24:00" : to.toString());
  }

  private static LocalTime time(String text) {
    return text.equals("24:00") ? LocalTime.MIDNIGHT : LocalTime.parse(text);
  }

  private static DayOfWeek dayOf(String day) {
    return java.util.Arrays.stream(DayOfWeek.values()).filter(d -> d.name().substring(0, 3).equalsIgnoreCase(day)).findFirst().orElseThrow();
  }

  /** Whether {@code [startAt, startAt + length)} is one of the slots. */
  public boolean offers(Instant startAt, Duration length) {
    return slots(startAt, startAt.plus(length), length).stream().anyMatch(s -> s.startAt().equals(startAt));
  }

  private List<Hours> hoursOn(LocalDate date, Map<LocalDate, List<Hours>> byDate) {
    return Optional.ofNullable(byDate.get(date)).orElseGet(() -> weekly.stream()
        .filter(w -> w.day() == date.getDayOfWeek())
        .map(w -> new Hours(w.from(), w.to()))
        .toList());
  }
}
