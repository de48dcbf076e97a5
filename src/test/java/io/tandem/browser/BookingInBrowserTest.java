package io.tandem.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.BookingFixtures;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Booking an expert in real Chromium: a client goes from a topic's experts to a profile, picks a
 * free time, books it with the price and the cancellation terms in view, sees it with a countdown,
 * and at the start is taken into the room, where the consultation happens and ends (Chinese and
 * English, phone); another cancels one free of charge and an operator sees the day's bookings (English).
 */
class BookingInBrowserTest {
  private static final String ADMIN = "booking-operator";
  private static final String ADMIN_PASSWORD = "booking-operator-password";
  private static RunningNode node;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.with(Map.of("auth.admins", TestConfig.admin(ADMIN, ADMIN_PASSWORD))));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static String baseUrl() {
    return "http://localhost:" + node.node().httpPort();
  }

  /** Opens the expert's profile from the topic's list, and waits for the free times. */
  private static void openProfile(AppUser client, String topic) {
    client.open("/#/browse/" + topic);
    client.find("expert-link").click();
    client.find("book-panel");
    client.find("slot");
  }

  /** Chooses the first free time more than a day ahead (free to cancel for a while) and writes a brief; answers the confirmation. */
  private static WebElement chooseLater(AppUser client, String brief) {
    java.time.Instant later = java.time.Instant.now().plus(Duration.ofHours(25));
    Select day = new Select(client.find("book-day"));
    WebElement slot = null;
    for (int i = 0; i < day.getOptions().size() && slot == null; i++) {
      day.selectByIndex(i);
      slot = client.browser.findElements(AppUser.test("slot")).stream()
          .filter(s -> java.time.Instant.parse(s.getAttribute("data-start-at")).isAfter(later)).findFirst().orElse(null);
    }
    assertThat(slot).as("a free time more than a day ahead").isNotNull();
    client.scrollTo(slot);
    slot.click();
    WebElement confirm = client.find("book-confirm");
    client.find("book-brief").sendKeys(brief);
    return confirm;
  }

  @ParameterizedTest(name = "{0}, phone")
  @CsvSource({
      "zh-CN, 王小明, 下周的面试, 免费取消, 已确认, 后开始, 您好，我们开始吧, 好的，谢谢",
      "en-US, Sam Park, An interview next week, Free to cancel until, Confirmed, starts in, Hello let us begin, Thank you"})
  @DisplayName("phone, in both languages: browse a topic, book an expert's time, see the countdown; at the start the room opens, the consultation is held and ends, paid")
  void bookedConsultation(String language, String name, String brief, String freeTerms, String confirmed, String countdown, String hello,
      String thanks) {
    Browsers.assumeAvailable();
    String topic = Actors.uniqueTopic();
    try (Person expert = BookingFixtures.bookableExpert(node, topic);
         AppUser client = new AppUser(baseUrl(), language, Browsers.PHONE)) {
      client.signUp("client", name);
      openProfile(client, topic);
      WebElement confirm = chooseLater(client, brief);
      assertThat(client.find("book-price").getText()).contains("¥20.00");
      assertThat(client.find("book-terms").getText()).contains(freeTerms).contains("50%");
      client.screenshot("booking-confirm-" + language + "-phone");
      confirm.findElement(AppUser.test("book-submit")).click();

      WebElement booking = client.find("booking");
      String id = booking.getAttribute("data-booking-id");
      assertThat(booking.getText()).contains("Test expert").contains(confirmed);
      client.until("a countdown", () -> client.find("booking-countdown").getText().contains(countdown));
      assertThat(client.find("booking-cancel-terms").getText()).contains(freeTerms);
      client.screenshot("bookings-" + language + "-phone");
      assertThat(Sql.string("SELECT brief FROM bookings WHERE id = ?::uuid", id)).isEqualTo(brief);

      // The start comes: the page offers the way in, and the room opens with the session of the booking.
      Sql.update("UPDATE bookings SET start_at = now(), end_at = now() + interval '30 minutes', free_cancel_until = now(),"
          + " quiet_from = now() WHERE id = ?::uuid", id);
      client.until("the booking shows its room open", () -> "opened".equals(client.find("booking").getAttribute("data-status")));
      // The live banner comes in at the top when the session opens and moves the page down: click once it is there.
      client.find("live-link");
      client.find("booking-enter").click();
      client.until("in the room", () -> client.browser.getCurrentUrl().endsWith("#/room/" + id));
      expert.socket().awaitEvent("session.ready", e -> id.equals(e.getString("sessionId")));
      expert.socket().ack("room.join", new JsonObject().put("sessionId", id));
      expert.socket().ack("room.send", new JsonObject().put("sessionId", id).put("text", hello).put("clientMsgId", "e-1"));
      client.until("the expert's message", () -> client.messages().stream().anyMatch(m -> m.getValue().equals(hello)));
      client.send(thanks);
      expert.socket().awaitEvent("room.message", m -> thanks.equals(m.getString("text")));
      client.screenshot("booked-room-" + language + "-phone");
      expert.socket().ack("session.end", new JsonObject().put("sessionId", id));
      client.until("ended and paid", () -> client.find("ended-payment").getText().contains("¥20.00"));
      client.screenshot("booked-ended-" + language + "-phone");
      assertThat(Sql.string("SELECT status FROM sessions WHERE id = ?::uuid", id)).isEqualTo("completed");
    }
  }

  @Test
  @DisplayName("en, phone: a client cancels a booking free of charge and the time is free again; en, desktop: the console lists the day's bookings")
  void cancelAndConsole() {
    Browsers.assumeAvailable();
    String topic = Actors.uniqueTopic();
    try (Person expert = BookingFixtures.bookableExpert(node, topic);
         AppUser client = new AppUser(baseUrl(), "en-US", Browsers.PHONE);
         AppUser operator = new AppUser(baseUrl(), "en-US", Browsers.DESKTOP)) {
      client.signUp("client", "Sam Lee");
      openProfile(client, topic);
      // The soonest time is less than a day ahead: cancelling it would cost the fee from the start, and the app says so.
      client.find("slot").click();
      assertThat(client.find("book-terms").getText()).startsWith("This time is soon");
      WebElement confirm = chooseLater(client, "Salary talk");
      String startAt = client.browser.findElement(By.cssSelector("button.slot.chosen")).getAttribute("data-start-at");
      assertThat(client.find("book-terms").getText()).startsWith("Free to cancel until");
      confirm.findElement(AppUser.test("book-submit")).click();
      WebElement booking = client.find("booking");
      String id = booking.getAttribute("data-booking-id");
      client.find("booking-cancel").click();
      client.browser.switchTo().alert().accept();
      client.until("cancelled", () -> "cancelled".equals(client.find("booking").getAttribute("data-status")));
      assertThat(client.find("booking-cancelled").getText()).isEqualTo("You cancelled it, free of charge.");
      client.screenshot("booking-cancelled-en-phone");
      assertThat(node.http().get("/api/v1/experts/" + expert.id() + "/slots?mode=chat&from=" + startAt + "&to="
          + java.time.Instant.parse(startAt).plus(Duration.ofHours(1))).json().getJsonArray("slots").getJsonObject(0).getString("startAt"))
          .as("free again").isEqualTo(startAt);

      // For the console's today: the booking made to start a second ago.
      Sql.update("UPDATE bookings SET start_at = now() - interval '1 second', end_at = now() + interval '30 minutes',"
          + " free_cancel_until = now() - interval '1 second', quiet_from = now() - interval '1 second' WHERE id = ?::uuid", id);
      operator.open("/admin");
      WebElement signIn = operator.find("signin");
      operator.fill(signIn, "username", ADMIN);
      operator.fill(signIn, "password", ADMIN_PASSWORD);
      signIn.findElement(By.cssSelector("[type=submit]")).click();
      By row = By.cssSelector("[data-test=booking-row][data-booking-id=\"" + id + "\"]");
      WebElement listed = operator.until("today's booking is listed", () -> operator.browser.findElements(row).stream().findFirst().orElse(null));
      operator.scrollTo(listed);
      assertThat(listed.getText()).contains("Sam Lee").contains("Test expert").contains("cancelled by the client");
      operator.screenshot("operator-bookings-en");
    }
  }

  @Test
  @DisplayName("zh, phone: a visitor chooses a time and signs up to book it; back on the profile, that time is chosen, brief and all, and booked")
  void visitorSignsUpToBook() {
    Browsers.assumeAvailable();
    String topic = Actors.uniqueTopic();
    try (Person expert = BookingFixtures.bookableExpert(node, topic);
         AppUser visitor = new AppUser(baseUrl(), "zh-CN", Browsers.PHONE)) {
      openProfile(visitor, topic);
      chooseLater(visitor, "想聊聊跳槽");
      String chosen = visitor.browser.findElement(By.cssSelector("button.slot.chosen")).getAttribute("data-start-at");
      WebElement signIn = visitor.find("book-submit");
      assertThat(signIn.getText()).isEqualTo("登录后预约");
      signIn.click();
      visitor.find("signin");
      visitor.signUp("client", "新访客");
      visitor.until("back at the chosen time", () -> visitor.browser.findElements(By.cssSelector("button.slot.chosen")).stream()
          .anyMatch(b -> chosen.equals(b.getAttribute("data-start-at"))));
      assertThat(visitor.find("book-brief").getAttribute("value")).isEqualTo("想聊聊跳槽");
      visitor.find("book-submit").click();
      assertThat(visitor.find("booking").getText()).contains("想聊聊跳槽");
      assertThat(Sql.string("SELECT start_at::text FROM bookings WHERE expert_id = ?::uuid", expert.id())).isNotNull();
    }
  }
}
