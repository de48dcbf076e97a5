package io.tandem.booking;

import static io.tandem.testing.BookingFixtures.bookableExpert;
import static io.tandem.testing.BookingFixtures.booking;
import static io.tandem.testing.BookingFixtures.slots;
import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.LedgerInvariants;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestClient.Session;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Booking an expert for later over HTTP: one winner per slot, the held price, cancellations and their fees, the session at the start. */
class BookingApiTest {
  private static final long PRICE = 2000;
  private static RunningNode node;
  private static TestClient http;

  @BeforeAll
  static void start() {
    // Short join windows, so that a booked session's no-show rules play out within a test.
    // A horizon past next autumn, for the night New York's clocks go back.
    node = RunningNode.start(TestConfig.with(Map.of("session.joinWindowSeconds", "2", "session.lateGraceSeconds", "1",
        "availability.maxDaysAhead", "400")));
    http = node.http();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static long balance(Session who) {
    return http.get("/api/v1/me", who.accessToken()).json().getLong("balance");
  }

  @Test
  @DisplayName("a client books a slot: 201 confirmed with the price held; the slot is gone from the list, a second booking of it is 409, both sides list it")
  void bookOnce() {
    String topic = Actors.uniqueTopic();
    try (Person expert = bookableExpert(node, topic)) {
      Session client = http.signUp("client");
      Session other = http.signUp("client");
      long before = balance(client);
      String start = slots(http, expert, Instant.now().plus(Duration.ofDays(2))).get(0);

      Response made = http.post("/api/v1/bookings", booking(expert, topic, start), client.accessToken());
      assertThat(made.status()).as(made.text()).isEqualTo(201);
      JsonObject b = made.json();
      assertThat(b.getString("status")).isEqualTo("confirmed");
      assertThat(b.getString("startAt")).isEqualTo(start);
      assertThat(b.getString("endAt")).isEqualTo(Instant.parse(start).plus(Duration.ofMinutes(30)).toString());
      assertThat(b.getJsonObject("price").getLong("amount")).isEqualTo(PRICE);
      assertThat(b.getString("freeCancelUntil")).isEqualTo(Instant.parse(start).minus(Duration.ofHours(24)).toString());
      assertThat(b.getLong("lateCancelFee")).isEqualTo(PRICE / 2);
      assertThat(b.getJsonObject("expert").getString("id")).isEqualTo(expert.id());
      assertThat(balance(client)).as("the price is held").isEqualTo(before - PRICE);
      assertThat(Sql.count("SELECT sum(amount) FROM ledger_entries WHERE session_id = ?::uuid AND account = 'escrow'", b.getString("id")))
          .isEqualTo(PRICE);

      assertThat(slots(http, expert, Instant.now().plus(Duration.ofDays(2)))).doesNotContain(start);
      Response again = http.post("/api/v1/bookings", booking(expert, topic, start), other.accessToken());
      assertThat(again.status()).as(again.text()).isEqualTo(409);
      assertThat(again.json().getJsonObject("error").getString("reason")).isEqualTo("slot_taken");
      assertThat(balance(other)).as("nothing held for the loser").isEqualTo(before);

      for (String token : new String[] {client.accessToken(), expert.session().accessToken()}) {
        JsonArray mine = http.get("/api/v1/me/bookings", token).json().getJsonArray("bookings");
        assertThat(mine.stream().map(o -> ((JsonObject) o).getString("id"))).containsExactly(b.getString("id"));
      }
      assertThat(http.get("/api/v1/bookings/" + b.getString("id"), other.accessToken()).status()).as("not theirs").isEqualTo(404);
      LedgerInvariants.check("after booking");
    }
  }

  @Test
  @DisplayName("cancelling: free until freeCancelUntil (a second before it too), the late fee to the expert just after it, the expert's own with a penalty and a full refund")
  void cancellations() {
    String topic = Actors.uniqueTopic();
    try (Person expert = bookableExpert(node, topic)) {
      Session client = http.signUp("client");
      long before = balance(client);
      long expertBefore = balance(expert.session());
      List<String> starts = slots(http, expert, Instant.now().plus(Duration.ofDays(2)));

      // Free: the free period ends in two seconds.
      String free = http.post("/api/v1/bookings", booking(expert, topic, starts.get(0)), client.accessToken()).json().getString("id");
      Sql.update("UPDATE bookings SET free_cancel_until = now() + interval '2 seconds' WHERE id = ?::uuid", free);
      Response cancelled = http.delete("/api/v1/bookings/" + free, client.accessToken());
      assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
      assertThat(cancelled.json().getString("status")).isEqualTo("cancelled");
      assertThat(cancelled.json().getString("cancelledBy")).isEqualTo("client");
      assertThat(cancelled.json().getLong("cancelFee")).isZero();
      assertThat(balance(client)).isEqualTo(before);
      assertThat(http.delete("/api/v1/bookings/" + free, client.accessToken()).status()).as("cancelled once").isEqualTo(409);
      JsonObject told = expert.socket().awaitEvent("booking.cancelled", e -> free.equals(e.getString("bookingId")));
      assertThat(told.getString("cancelledBy")).isEqualTo("client");
      assertThat(told.getLong("cancelFee")).isZero();
      assertThat(slots(http, expert, Instant.now().plus(Duration.ofDays(2)))).as("the slot is free again").contains(starts.get(0));

      // Late: the free period ended a second ago.
      String late = http.post("/api/v1/bookings", booking(expert, topic, starts.get(1)), client.accessToken()).json().getString("id");
      Sql.update("UPDATE bookings SET free_cancel_until = now() - interval '1 second' WHERE id = ?::uuid", late);
      Response paid = http.delete("/api/v1/bookings/" + late, client.accessToken());
      assertThat(paid.json().getLong("cancelFee")).isEqualTo(PRICE / 2);
      assertThat(balance(client)).isEqualTo(before - PRICE / 2);
      assertThat(balance(expert.session())).as("the fee goes to the expert, whole").isEqualTo(expertBefore + PRICE / 2);

      // The expert cancels: the client gets everything back; the expert has a penalty for it.
      String theirs = http.post("/api/v1/bookings", booking(expert, topic, starts.get(2)), client.accessToken()).json().getString("id");
      Sql.update("UPDATE bookings SET free_cancel_until = now() - interval '1 second' WHERE id = ?::uuid", theirs);
      Response byExpert = http.delete("/api/v1/bookings/" + theirs, expert.session().accessToken());
      // The expert was told of each booking; the client learns of the expert's cancellation.
      assertThat(expert.socket().awaitEvent("booking.confirmed", e -> theirs.equals(e.getString("bookingId"))).getJsonObject("peer")
          .getString("role")).isEqualTo("client");
      assertThat(byExpert.json().getString("cancelledBy")).isEqualTo("expert");
      assertThat(byExpert.json().getLong("cancelFee")).isZero();
      assertThat(balance(client)).isEqualTo(before - PRICE / 2);
      assertThat(Sql.count("SELECT count(*) FROM penalties WHERE user_id = ?::uuid AND kind = 'booking_cancelled' AND session_id = ?::uuid",
          expert.id(), theirs)).isEqualTo(1);
      expert.socket().awaitEvent("penalty");
      LedgerInvariants.check("after cancellations");
    }
  }

  @Test
  @DisplayName("at its start a booking opens its session (the booking's id), both sides get session.ready; joined and ended it is paid; the expert was offered no instant request meanwhile")
  void opensAtStart() {
    String topic = Actors.uniqueTopic();
    try (Person expert = bookableExpert(node, topic); Person client = Actors.client(node); Person asker = Actors.client(node)) {
      String start = slots(http, expert, Instant.now().plus(Duration.ofDays(2))).get(0);
      String id = http.post("/api/v1/bookings", booking(expert, topic, start), client.session().accessToken()).json().getString("id");
      long expertBefore = balance(expert.session());

      // Inside the quiet time before the booking: an instant request of the topic is not offered to the expert.
      Sql.update("UPDATE bookings SET quiet_from = now() - interval '1 second' WHERE id = ?::uuid", id);
      String requestId = asker.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      assertThat(expert.socket().staysWithout("offer", Duration.ofSeconds(2))).as("no instant offer while a booking is near").isTrue();
      asker.socket().ack("request.cancel", new JsonObject().put("requestId", requestId));

      Sql.update("UPDATE bookings SET start_at = now() + interval '1 second', end_at = now() + interval '31 minutes',"
          + " free_cancel_until = now() WHERE id = ?::uuid", id);
      JsonObject ready = client.socket().awaitEvent("session.ready", e -> id.equals(e.getString("sessionId")));
      assertThat(ready.getString("bookingId")).isEqualTo(id);
      assertThat(ready.containsKey("requestId")).isFalse();
      assertThat(expert.socket().awaitEvent("session.ready", e -> id.equals(e.getString("sessionId"))).getJsonObject("peer").getString("role"))
          .isEqualTo("client");
      assertThat(http.get("/api/v1/bookings/" + id, client.session().accessToken()).json().getString("status")).isEqualTo("opened");
      Response session = http.get("/api/v1/sessions/" + id, client.session().accessToken());
      assertThat(session.json().getString("bookingId")).isEqualTo(id);
      assertThat(session.json().getString("brief")).isEqualTo("My first job offer");
      assertThat(http.delete("/api/v1/bookings/" + id, client.session().accessToken()).status()).as("started: too late to cancel").isEqualTo(409);

      client.socket().ack("room.join", new JsonObject().put("sessionId", id));
      expert.socket().ack("room.join", new JsonObject().put("sessionId", id));
      Poll.until("the session is active", Duration.ofSeconds(10), () -> "active".equals(Sql.string("SELECT status FROM sessions WHERE id = ?::uuid", id)));
      client.socket().ack("session.end", new JsonObject().put("sessionId", id));
      assertThat(Sql.string("SELECT status FROM sessions WHERE id = ?::uuid", id)).isEqualTo("completed");
      assertThat(http.get("/api/v1/bookings/" + id, client.session().accessToken()).json().getString("sessionStatus")).isEqualTo("completed");
      assertThat(balance(expert.session())).as("the expert earns the price less the platform's fee").isEqualTo(expertBefore + PRICE - PRICE / 10);
      LedgerInvariants.check("after a booked session");
    }
  }

  @Test
  @DisplayName("an expert who does not come to a booked session: expert_no_show, the client refunded in full and not put in any queue")
  void bookedNoShow() {
    String topic = Actors.uniqueTopic();
    try (Person expert = bookableExpert(node, topic); Person client = Actors.client(node)) {
      long before = balance(client.session());
      String start = slots(http, expert, Instant.now().plus(Duration.ofDays(2))).get(0);
      String id = http.post("/api/v1/bookings", booking(expert, topic, start), client.session().accessToken()).json().getString("id");
      Sql.update("UPDATE bookings SET start_at = now(), end_at = now() + interval '30 minutes', free_cancel_until = now(), quiet_from = now() WHERE id = ?::uuid", id);
      client.socket().awaitEvent("session.ready", e -> id.equals(e.getString("sessionId")));
      client.socket().ack("room.join", new JsonObject().put("sessionId", id));
      Poll.until("the join window closed", Duration.ofSeconds(15),
          () -> "expert_no_show".equals(Sql.string("SELECT status FROM sessions WHERE id = ?::uuid", id)));
      assertThat(balance(client.session())).isEqualTo(before);
      assertThat(Sql.count("SELECT count(*) FROM penalties WHERE user_id = ?::uuid AND kind = 'no_show' AND session_id = ?::uuid", expert.id(), id))
          .isEqualTo(1);
      assertThat(Sql.string("SELECT reason FROM penalties WHERE user_id = ?::uuid AND session_id = ?::uuid", expert.id(), id))
          .isEqualTo("was booked for a consultation and did not join it");
      assertThat(Sql.count("SELECT count(*) FROM requests WHERE client_id = ?::uuid", client.id())).as("nothing queued").isZero();
      LedgerInvariants.check("after a booked no-show");
    }
  }

  @Test
  @DisplayName("a booking whose expert is still in an instant session at its start waits for it: no expert above capacity; it opens once they are free")
  void waitsForTheExpert() {
    String topic = Actors.uniqueTopic();
    try (Person expert = bookableExpert(node, topic); Person client = Actors.client(node); Person asker = Actors.client(node)) {
      String start = slots(http, expert, Instant.now().plus(Duration.ofDays(2))).get(0);
      String id = http.post("/api/v1/bookings", booking(expert, topic, start), client.session().accessToken()).json().getString("id");
      // An instant consultation the expert took before the booking's quiet time (capacity 1): it is waiting to be joined.
      String instant = Actors.matched(asker, expert, topic).sessionId();
      Sql.update("UPDATE bookings SET start_at = now(), end_at = now() + interval '30 minutes', free_cancel_until = now(), quiet_from = now()"
          + " WHERE id = ?::uuid", id);
      assertThat(client.socket().staysWithout("session.ready", Duration.ofSeconds(2))).as("not opened while the expert is busy").isTrue();
      assertThat(Sql.string("SELECT status FROM bookings WHERE id = ?::uuid", id)).isEqualTo("confirmed");
      // Nobody joins the instant one: its join window closes, and the expert is free.
      Poll.until("the instant session closed", Duration.ofSeconds(15),
          () -> !"waiting".equals(Sql.string("SELECT status FROM sessions WHERE id = ?::uuid", instant)));
      client.socket().awaitEvent("session.ready", e -> id.equals(e.getString("sessionId")));
      assertThat(Sql.count("SELECT count(*) FROM expert_presence p WHERE p.expert_id = ?::uuid AND expert_load(p.expert_id) > p.capacity",
          expert.id())).isZero();
    }
  }

  @Test
  @DisplayName("a suspended expert's time is neither listed nor bookable until the suspension ends; an e-mail is removed only by an explicit null")
  void suspendedExpert() {
    String topic = Actors.uniqueTopic();
    try (Person expert = bookableExpert(node, topic)) {
      Session client = http.signUp("client");
      String start = slots(http, expert, Instant.now().plus(Duration.ofDays(2))).get(0);
      Sql.update("UPDATE accounts SET suspended_until = now() + interval '3 days' WHERE id = ?::uuid", expert.id());
      assertThat(slots(http, expert, Instant.now().plus(Duration.ofDays(2)))).as("nothing before the suspension ends").isEmpty();
      Response refused = http.post("/api/v1/bookings", booking(expert, topic, start), client.accessToken());
      assertThat(refused.status()).as(refused.text()).isEqualTo(409);
      assertThat(refused.json().getJsonObject("error").getString("reason")).isEqualTo("expert_suspended");
      assertThat(slots(http, expert, Instant.now().plus(Duration.ofDays(4)))).as("after it, the hours again").isNotEmpty();

      assertThat(http.put("/api/v1/me/email", new JsonObject().put("email", "sam@example.com"), client.accessToken()).status()).isEqualTo(200);
      assertThat(http.put("/api/v1/me/email", new JsonObject().put("mail", "typo@example.com"), client.accessToken()).status()).isEqualTo(400);
      assertThat(http.get("/api/v1/me", client.accessToken()).json().getString("email")).as("kept").isEqualTo("sam@example.com");
      assertThat(http.put("/api/v1/me/email", new JsonObject().putNull("email"), client.accessToken()).json().getString("email")).isNull();
    }
  }

  @Test
  @DisplayName("daylight saving: on New York's fall-back night 01:30 comes twice, two slots at two instants, each bookable once")
  void fallBack() {
    String topic = Actors.uniqueTopic();
    ZoneId newYork = ZoneId.of("America/New_York");
    LocalDate night = nextFallBack(newYork);
    try (Person expert = Actors.expert(node, topic)) {
      JsonObject hours = new JsonObject().put("timeZone", newYork.getId()).put("weekly", new JsonArray())
          .put("exceptions", new JsonArray().add(new JsonObject().put("date", night.toString())
              .put("hours", new JsonArray().add(new JsonObject().put("from", "01:00").put("to", "03:00")))));
      assertThat(http.put("/api/v1/experts/me/availability", hours, expert.session().accessToken()).status()).isEqualTo(200);
      ZonedDateTime first = ZonedDateTime.ofLocal(LocalDateTime.of(night, java.time.LocalTime.of(1, 30)), newYork, null).withEarlierOffsetAtOverlap();
      ZonedDateTime second = first.withLaterOffsetAtOverlap();
      assertThat(second.toInstant()).isEqualTo(first.toInstant().plus(Duration.ofHours(1)));
      Instant from = night.atStartOfDay(newYork).toInstant();
      List<String> all = slots(http, expert, from);
      assertThat(all).as("three hours of half hours").hasSize(6).contains(first.toInstant().toString(), second.toInstant().toString());
      for (ZonedDateTime at : List.of(first, second)) {
        Session client = http.signUp("client");
        Response made = http.post("/api/v1/bookings", booking(expert, topic, at.toInstant().toString()), client.accessToken());
        assertThat(made.status()).as(at + ": " + made.text()).isEqualTo(201);
      }
      assertThat(slots(http, expert, from)).hasSize(4).doesNotContain(first.toInstant().toString(), second.toInstant().toString());
      Response offGrid = http.post("/api/v1/bookings", booking(expert, topic, first.toInstant().plus(Duration.ofMinutes(10)).toString()),
          http.signUp("client").accessToken());
      assertThat(offGrid.json().getJsonObject("error").getString("reason")).isEqualTo("outside_availability");
    }
  }

  private static LocalDate nextFallBack(ZoneId zone) {
    java.time.zone.ZoneOffsetTransition next = zone.getRules().nextTransition(Instant.now().plus(Duration.ofDays(2)));
    while (!next.isOverlap()) {
      next = zone.getRules().nextTransition(next.getInstant());
    }
    return next.getDateTimeBefore().toLocalDate();
  }

  @Test
  @DisplayName("bad bookings get the contract's errors: fields, the past, too soon, outside the hours, a topic or mode not offered, experts and strangers")
  void badBookings() {
    String topic = Actors.uniqueTopic();
    try (Person expert = bookableExpert(node, topic)) {
      Session client = http.signUp("client");
      String token = client.accessToken();
      String start = slots(http, expert, Instant.now().plus(Duration.ofDays(2))).get(0);
      Map<String, JsonObject> bad = Map.of(
          "expertId", booking(expert, topic, start).put("expertId", "nobody"),
          "topic", booking(expert, topic, start).put("topic", "Not A Topic"),
          "mode", booking(expert, topic, start).put("mode", "telepathy"),
          "startAt", booking(expert, topic, start).put("startAt", "tomorrow at nine"),
          "brief", booking(expert, topic, start).put("brief", "x".repeat(501)));
      bad.forEach((field, body) -> {
        Response answer = http.post("/api/v1/bookings", body, token);
        assertThat(answer.status()).as(field).isEqualTo(400);
        assertThat(answer.errorMessage()).as(field).startsWith(field);
      });
      Map<String, JsonObject> refused = Map.of(
          "too_soon", booking(expert, topic, Instant.now().minus(Duration.ofHours(1)).toString()),
          "outside_availability", booking(expert, topic, Instant.parse(start).plus(Duration.ofMinutes(7)).toString()),
          "expert_does_not_offer", booking(expert, Actors.uniqueTopic(), start),
          "too_far", booking(expert, topic, Instant.parse(start).plus(Duration.ofDays(401)).toString()));
      refused.forEach((reason, body) -> {
        Response answer = http.post("/api/v1/bookings", body, token);
        assertThat(answer.status()).as(reason + ": " + answer.text()).isEqualTo(400);
        assertThat(answer.json().getJsonObject("error").getString("reason")).isEqualTo(reason);
      });
      assertThat(http.post("/api/v1/bookings", booking(expert, topic, start).put("mode", "in_person"), token)
          .json().getJsonObject("error").getString("reason")).as("chat and video only").isEqualTo("expert_does_not_offer");
      assertThat(http.post("/api/v1/bookings", booking(expert, topic, start), expert.session().accessToken()).status())
          .as("experts do not book").isEqualTo(403);
      assertThat(http.post("/api/v1/bookings", booking(expert, topic, start), null).status()).isEqualTo(401);
      assertThat(http.delete("/api/v1/bookings/" + UUID.randomUUID(), token).status()).isEqualTo(404);
      assertThat(http.delete("/api/v1/bookings/not-an-id", token).status()).isEqualTo(404);
      assertThat(Sql.count("SELECT count(*) FROM bookings WHERE client_id = ?::uuid", client.userId())).as("nothing was booked").isZero();
      assertThat(http.get("/api/v1/booking-terms").json()).isEqualTo(new JsonObject().put("freeCancelHours", 24)
          .put("lateCancelFeePercent", 50).put("noInstantBeforeMinutes", 30));
    }
  }
}
