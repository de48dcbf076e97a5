package io.tandem.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors.Person;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What booking tests start from: an expert who takes bookings all day, their free slots, a booking's body. */
public final class BookingFixtures {
  private BookingFixtures() {}

  /** An expert of {@code topic} (chat and video), online, taking bookings every day and all day (UTC). */
  public static Person bookableExpert(RunningNode on, String topic) {
    return bookableExpert(on.http(), on.node().httpPort(), topic);
  }

  /** As {@link #bookableExpert(RunningNode, String)}, on a server reached by {@code http} and WebSockets on {@code port}. */
  public static Person bookableExpert(TestClient http, int port, String topic) {
    Person expert = Actors.expert(http, port, topic, Actors.SHANGHAI_LAT, Actors.SHANGHAI_LNG, 1);
    TestClient.Response saved = http.put("/api/v1/experts/me/availability", allDay(), expert.session().accessToken());
    assertThat(saved.status()).as(saved.text()).isEqualTo(200);
    return expert;
  }

  /** {@code PUT /api/v1/experts/me/availability}'s body for taking bookings every day and all day, in UTC. */
  public static JsonObject allDay() {
    JsonArray always = new JsonArray();
    for (String day : new String[] {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
      always.add(new JsonObject().put("day", day).put("from", "00:00").put("to", "24:00"));
    }
    return new JsonObject().put("timeZone", "UTC").put("weekly", always).put("exceptions", new JsonArray());
  }

  /** The starts of the expert's free chat slots in the day from {@code from}. */
  public static List<String> slots(TestClient http, Person expert, Instant from) {
    JsonArray slots = http.get("/api/v1/experts/" + expert.id() + "/slots?mode=chat&from=" + from + "&to=" + from.plus(Duration.ofDays(1)))
        .json().getJsonArray("slots");
    return slots.stream().map(s -> ((JsonObject) s).getString("startAt")).toList();
  }

  /** {@code POST /api/v1/bookings}'s body: a chat with {@code expert} on {@code topic} at {@code startAt}, with a brief. */
  public static JsonObject booking(Person expert, String topic, String startAt) {
    return new JsonObject().put("expertId", expert.id()).put("topic", topic).put("mode", "chat").put("startAt", startAt)
        .put("brief", "My first job offer");
  }
}
