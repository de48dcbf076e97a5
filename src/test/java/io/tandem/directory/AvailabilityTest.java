package io.tandem.directory;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.directory.Availability.DateHours;
import io.tandem.directory.Availability.Hours;
import io.tandem.directory.Availability.Slot;
import io.tandem.directory.Availability.Window;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Slots from weekly hours and exceptions in the expert's zone, across daylight saving changes. */
class AvailabilityTest {
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final Duration HALF_HOUR = Duration.ofMinutes(30);

  private static Instant at(String localDateTime, ZoneId zone) {
    return java.time.LocalDateTime.parse(localDateTime).atZone(zone).toInstant();
  }

  private static List<String> localStarts(List<Slot> slots, ZoneId zone) {
    return slots.stream().map(s -> ZonedDateTime.ofInstant(s.startAt(), zone).toLocalDateTime().toString()).toList();
  }

  @Test
  @DisplayName("weekly hours give back-to-back slots of the mode's length; a remainder shorter than a slot is not offered")
  void weeklyHours() {
    // 2026-12-07 is a Monday.
    Availability a = new Availability(SHANGHAI, List.of(new Window(DayOfWeek.MONDAY, LocalTime.of(9, 0), LocalTime.of(10, 45))), List.of());
    List<Slot> slots = a.slots(at("2026-12-07T00:00", SHANGHAI), at("2026-12-08T00:00", SHANGHAI), HALF_HOUR);
    assertThat(localStarts(slots, SHANGHAI)).containsExactly("2026-12-07T09:00", "2026-12-07T09:30", "2026-12-07T10:00");
    assertThat(slots.get(0).endAt()).isEqualTo(at("2026-12-07T09:30", SHANGHAI));
    assertThat(a.slots(at("2026-12-08T00:00", SHANGHAI), at("2026-12-14T00:00", SHANGHAI), HALF_HOUR)).as("no hours Tue to Sun").isEmpty();
    assertThat(a.slots(at("2026-12-07T09:10", SHANGHAI), at("2026-12-07T10:30", SHANGHAI), HALF_HOUR))
        .as("only slots wholly inside the range").extracting(Slot::startAt).containsExactly(at("2026-12-07T09:30", SHANGHAI), at("2026-12-07T10:00", SHANGHAI));
    assertThat(a.offers(at("2026-12-14T09:30", SHANGHAI), HALF_HOUR)).isTrue();
    assertThat(a.offers(at("2026-12-14T09:15", SHANGHAI), HALF_HOUR)).as("not on the grid").isFalse();
  }

  @Test
  @DisplayName("an exception replaces a date's weekly hours; one without hours is a day off; a window may end at 24:00")
  void exceptions() {
    Availability a = new Availability(SHANGHAI,
        List.of(new Window(DayOfWeek.MONDAY, LocalTime.of(9, 0), LocalTime.of(10, 0)),
            new Window(DayOfWeek.TUESDAY, LocalTime.of(23, 0), LocalTime.MIDNIGHT)),
        List.of(new DateHours(LocalDate.of(2026, 12, 14), List.of()),
            new DateHours(LocalDate.of(2026, 12, 21), List.of(new Hours(LocalTime.of(14, 0), LocalTime.of(15, 0))))));
    List<Slot> slots = a.slots(at("2026-12-07T00:00", SHANGHAI), at("2026-12-23T00:00", SHANGHAI), Duration.ofMinutes(60));
    assertThat(localStarts(slots, SHANGHAI)).containsExactly(
        "2026-12-07T09:00", "2026-12-08T23:00", "2026-12-15T23:00", "2026-12-21T14:00", "2026-12-22T23:00");
    assertThat(slots.get(1).endAt()).as("to 24:00: the next midnight").isEqualTo(at("2026-12-09T00:00", SHANGHAI));
  }

  @Test
  @DisplayName("New York, clocks forward on 2026-03-08: 01:00 to 04:00 holds two real hours and no hour is offered twice")
  void springForward() {
    Availability a = new Availability(NEW_YORK, List.of(new Window(DayOfWeek.SUNDAY, LocalTime.of(1, 0), LocalTime.of(4, 0))), List.of());
    List<Slot> slots = a.slots(at("2026-03-08T00:00", NEW_YORK), at("2026-03-09T00:00", NEW_YORK), HALF_HOUR);
    assertThat(localStarts(slots, NEW_YORK)).containsExactly("2026-03-08T01:00", "2026-03-08T01:30", "2026-03-08T03:00", "2026-03-08T03:30");
    assertThat(slots).extracting(Slot::startAt).doesNotHaveDuplicates();
    assertThat(Duration.between(slots.get(0).startAt(), slots.get(3).endAt())).isEqualTo(Duration.ofHours(2));
    // A week later the same hours are three real hours again.
    assertThat(a.slots(at("2026-03-15T00:00", NEW_YORK), at("2026-03-16T00:00", NEW_YORK), HALF_HOUR)).hasSize(6);
  }

  @Test
  @DisplayName("New York, clocks back on 2026-11-01: 01:00 to 04:00 holds four real hours, 01:00 and 01:30 each twice, at different instants")
  void fallBack() {
    Availability a = new Availability(NEW_YORK, List.of(new Window(DayOfWeek.SUNDAY, LocalTime.of(1, 0), LocalTime.of(4, 0))), List.of());
    List<Slot> slots = a.slots(at("2026-11-01T00:00", NEW_YORK), at("2026-11-02T00:00", NEW_YORK), HALF_HOUR);
    assertThat(slots).hasSize(8);
    assertThat(localStarts(slots, NEW_YORK)).containsExactly("2026-11-01T01:00", "2026-11-01T01:30", "2026-11-01T01:00", "2026-11-01T01:30",
        "2026-11-01T02:00", "2026-11-01T02:30", "2026-11-01T03:00", "2026-11-01T03:30");
    assertThat(slots).extracting(Slot::startAt).doesNotHaveDuplicates().isSorted();
  }

  @Test
  @DisplayName("Berlin, 2026-03-29: a window that starts inside the skipped hour starts when the clock resumes; asked from Shanghai, the instants are the same")
  void windowStartingInTheGap() {
    Availability a = new Availability(BERLIN, List.of(new Window(DayOfWeek.SUNDAY, LocalTime.of(2, 30), LocalTime.of(4, 0))), List.of());
    List<Slot> slots = a.slots(at("2026-03-29T00:00", BERLIN), at("2026-03-30T00:00", BERLIN), HALF_HOUR);
    assertThat(localStarts(slots, BERLIN)).containsExactly("2026-03-29T03:30");
    assertThat(slots.get(0).startAt()).isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
    assertThat(a.slots(at("2026-03-29T00:00", SHANGHAI), at("2026-03-30T12:00", SHANGHAI), HALF_HOUR)).isEqualTo(slots);
  }

  @Test
  @DisplayName("the stored shape is the contract's and reads back the same")
  void jsonRoundTrip() {
    Availability a = new Availability(BERLIN,
        List.of(new Window(DayOfWeek.WEDNESDAY, LocalTime.of(18, 0), LocalTime.MIDNIGHT)),
        List.of(new DateHours(LocalDate.of(2026, 12, 24), List.of())));
    assertThat(a.toJson().getJsonArray("weekly").getJsonObject(0).encode()).isEqualTo("{\"from\":\"18:00\",\"to\":\"24:00\",\"day\":\"wed\"}");
    assertThat(Availability.fromJson(a.toJson())).isEqualTo(a);
  }
}
