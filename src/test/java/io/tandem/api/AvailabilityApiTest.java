package io.tandem.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.RunningNode;
import io.tandem.testing.TestClient;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestClient.Session;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An expert's weekly hours and exceptions, and the slots anyone reads from them. */
class AvailabilityApiTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static RunningNode node;
  private static TestClient http;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.defaults());
    http = node.http();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonObject hours(String day, String from, String to) {
    return new JsonObject().put("day", day).put("from", from).put("to", to);
  }

  /** Mondays 09:00–11:00 and Wednesdays 18:00–24:00 in Berlin; a day off on the next-but-one Monday. */
  private static JsonObject week(LocalDate dayOff) {
    return new JsonObject().put("timeZone", "Europe/Berlin")
        .put("weekly", new JsonArray().add(hours("mon", "09:00", "11:00")).add(hours("wed", "18:00", "24:00")))
        .put("exceptions", new JsonArray().add(new JsonObject().put("date", dayOff.toString()).put("hours", new JsonArray())));
  }

  @Test
  @DisplayName("an expert saves weekly hours and a day off; anyone reads their slots, in instants, without signing in")
  void hoursAndSlots() {
    try (Person expert = Actors.expert(node, Actors.uniqueTopic())) {
      LocalDate nextMonday = LocalDate.now(BERLIN).with(TemporalAdjusters.next(DayOfWeek.MONDAY));
      Response saved = http.put("/api/v1/experts/me/availability", week(nextMonday.plusWeeks(1)), expert.session().accessToken());
      assertThat(saved.status()).as(saved.text()).isEqualTo(200);
      assertThat(saved.json().getJsonArray("weekly").getJsonObject(1).getString("to")).isEqualTo("24:00");
      assertThat(http.get("/api/v1/experts/me/availability", expert.session().accessToken()).json()).isEqualTo(saved.json());

      Instant from = nextMonday.atStartOfDay(BERLIN).toInstant();
      Instant to = from.plus(Duration.ofDays(14));
      Response slots = http.get("/api/v1/experts/" + expert.id() + "/slots?mode=video&from=" + from + "&to=" + to);
      assertThat(slots.status()).as(slots.text()).isEqualTo(200);
      assertThat(slots.json().getString("timeZone")).isEqualTo("Europe/Berlin");
      assertThat(slots.json().getInteger("slotMinutes")).isEqualTo(30);
      JsonArray list = slots.json().getJsonArray("slots");
      // First week: Monday 4 slots, Wednesday 12; second week: Monday is off, Wednesday 12.
      assertThat(list).hasSize(28);
      assertThat(list.getJsonObject(0).getString("startAt")).isEqualTo(nextMonday.atTime(9, 0).atZone(BERLIN).toInstant().toString());
      assertThat(list.getJsonObject(0).getString("endAt")).isEqualTo(nextMonday.atTime(9, 30).atZone(BERLIN).toInstant().toString());
    }
  }

  @Test
  @DisplayName("no slot starts sooner than availability.minNoticeMinutes (60) from now; without availability there are none")
  void noticeAndNone() {
    try (Person expert = Actors.expert(node, Actors.uniqueTopic())) {
      assertThat(http.get("/api/v1/experts/" + expert.id() + "/slots").json().getJsonArray("slots")).isEmpty();
      assertThat(http.get("/api/v1/experts/me/availability", expert.session().accessToken()).status()).isEqualTo(404);
      JsonArray always = new JsonArray();
      for (String day : new String[] {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
        always.add(hours(day, "00:00", "24:00"));
      }
      http.put("/api/v1/experts/me/availability", new JsonObject().put("timeZone", "Asia/Shanghai").put("weekly", always),
          expert.session().accessToken());
      Instant before = Instant.now();
      JsonArray slots = http.get("/api/v1/experts/" + expert.id() + "/slots?mode=chat").json().getJsonArray("slots");
      Instant first = Instant.parse(slots.getJsonObject(0).getString("startAt"));
      assertThat(first).isAfterOrEqualTo(before.plus(Duration.ofMinutes(60))).isBefore(before.plus(Duration.ofMinutes(91)));
      assertThat(slots).as("a week of half hours, less the notice").hasSizeBetween(7 * 48 - 4, 7 * 48);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "an unknown time zone|{\"timeZone\": \"Mars/Olympus\", \"weekly\": []}|timeZone",
      "a day that is not one|{\"timeZone\": \"UTC\", \"weekly\": [{\"day\": \"mun\", \"from\": \"09:00\", \"to\": \"10:00\"}]}|weekly[0].day",
      "a time without its zero|{\"timeZone\": \"UTC\", \"weekly\": [{\"day\": \"mon\", \"from\": \"9:00\", \"to\": \"10:00\"}]}|weekly[0].from",
      "an end before the start|{\"timeZone\": \"UTC\", \"weekly\": [{\"day\": \"mon\", \"from\": \"10:00\", \"to\": \"09:00\"}]}|weekly[0].to",
      "overlapping hours|{\"timeZone\": \"UTC\", \"weekly\": [{\"day\": \"mon\", \"from\": \"09:00\", \"to\": \"11:00\"}, {\"day\": \"mon\", \"from\": \"10:30\", \"to\": \"12:00\"}]}|weekly[1].from",
      "a date twice|{\"timeZone\": \"UTC\", \"weekly\": [], \"exceptions\": [{\"date\": \"2027-06-07\", \"hours\": []}, {\"date\": \"2027-06-07\", \"hours\": []}]}|exceptions[1].date",
      "a date in the past|{\"timeZone\": \"UTC\", \"weekly\": [], \"exceptions\": [{\"date\": \"2020-01-07\", \"hours\": []}]}|exceptions[0].date",
      "overlapping exception hours|{\"timeZone\": \"UTC\", \"weekly\": [], \"exceptions\": [{\"date\": \"2027-01-07\", \"hours\": [{\"from\": \"09:00\", \"to\": \"12:00\"}, {\"from\": \"11:00\", \"to\": \"13:00\"}]}]}|exceptions[0].hours[1].from",
      "no weekly list|{\"timeZone\": \"UTC\"}|weekly"})
  @DisplayName("PUT /api/v1/experts/me/availability refuses bad hours with bad_request naming the field")
  void badAvailability(String what, String body, String field) {
    Session expert = http.signUp("expert");
    Response answer = http.put("/api/v1/experts/me/availability", new JsonObject(body), expert.accessToken());
    assertThat(answer.status()).as(what).isEqualTo(400);
    assertThat(answer.errorMessage()).as(what).startsWith(field + " ");
  }

  @Test
  @DisplayName("slots: bad ranges, a mode the expert does not offer and unknown experts get the contract's errors; clients may not set hours")
  void badSlotQueries() {
    try (Person expert = Actors.expert(node, Actors.uniqueTopic())) {
      String slots = "/api/v1/experts/" + expert.id() + "/slots";
      assertThat(http.get(slots + "?mode=in_person").status()).as("offers chat and video only").isEqualTo(400);
      assertThat(http.get(slots + "?mode=fax").status()).isEqualTo(400);
      assertThat(http.get(slots + "?from=tomorrow").status()).isEqualTo(400);
      assertThat(http.get(slots + "?from=2030-01-10T00:00:00Z&to=2030-01-09T00:00:00Z").status()).isEqualTo(400);
      assertThat(http.get(slots + "?from=2030-01-01T00:00:00Z&to=2030-03-01T00:00:00Z").errorMessage()).contains("availability.maxRangeDays");
      assertThat(http.get("/api/v1/experts/" + UUID.randomUUID() + "/slots").status()).isEqualTo(404);
      Session client = http.signUp("client");
      assertThat(http.put("/api/v1/experts/me/availability", week(LocalDate.now().plusDays(3)), client.accessToken()).status()).isEqualTo(403);
      assertThat(http.get("/api/v1/experts/" + client.userId() + "/slots").status()).isEqualTo(404);
    }
  }
}
