package io.tandem.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.RunningNode;
import io.tandem.testing.TestConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

/**
 * Issue 22: everyone can use it. axe-core on every screen of the client's, the expert's and the
 * operator's app, in both languages (English on a desktop, Chinese on a phone): a serious or
 * critical violation anywhere fails the test, all of them listed by screen.
 */
class AccessibilityInBrowserTest {
  private static final String ADMIN = "a11y-operator";
  private static final String ADMIN_PASSWORD = "a11y-operator-password";
  private static final String TOPIC = "career.interview";

  private final Map<String, List<String>> violations = new LinkedHashMap<>();

  private void check(AppUser user, String screen) {
    List<String> found = Axe.violations(user.browser);
    if (!found.isEmpty()) {
      violations.put(screen, found);
    }
  }

  private static String baseUrl(RunningNode node) {
    return "http://localhost:" + node.node().httpPort();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"en-US, desktop", "zh-CN, phone"})
  @DisplayName("no serious or critical axe-core violation on any screen")
  void everyScreen(String language, String size) {
    Browsers.assumeAvailable();
    Dimension dimension = size.equals("phone") ? Browsers.PHONE : Browsers.DESKTOP;
    String tag = language + "/" + size + ": ";
    try (RunningNode node = RunningNode.start(TestConfig.with(Map.of("topics.listedOnly", "true",
             "auth.admins", TestConfig.admin(ADMIN, ADMIN_PASSWORD))));
         AppUser expert = new AppUser(baseUrl(node), language, dimension);
         AppUser client = new AppUser(baseUrl(node), language, dimension);
         AppUser operator = new AppUser(baseUrl(node), language, dimension)) {
      client.open("/#/signup");
      client.find("signup");
      check(client, tag + "sign-up");
      client.open("/#/signin");
      client.find("signin");
      check(client, tag + "sign-in");

      expert.signUp("expert", "Mei Chen");
      expert.open("/#/profile");
      expert.find("profile");
      expert.find("profile").findElement(By.cssSelector("input[name=modes][value=in_person]")).click();
      expert.find("place-picker");
      check(expert, tag + "expert profile, meeting in person");
      expert.find("profile").findElement(By.cssSelector("input[name=modes][value=in_person]")).click();
      WebElement search = expert.find("profile").findElement(By.name("topicSearch"));
      search.sendKeys("interview");
      expert.until("the topic", () -> !expert.browser.findElements(By.cssSelector("input[name=catalogueTopic][value='" + TOPIC + "']")).isEmpty());
      expert.browser.findElement(By.cssSelector("input[name=catalogueTopic][value='" + TOPIC + "']")).findElement(By.xpath("..")).click();
      expert.find("profile").findElement(By.cssSelector("input[name=modes][value=chat]")).click();
      expert.find("profile").findElement(By.cssSelector("[type=submit]")).click();
      expert.until("saved", () -> expert.find("profile-status").getAttribute("class").contains("ok"));
      expert.open("/#/expert");
      expert.goOnline();
      check(expert, tag + "expert home, online");

      client.signUp("client", "Alex Kim");
      client.chooseTopic(TOPIC);
      client.find("quote");
      check(client, tag + "new request");
      client.request(TOPIC, "chat", 0, 0, "How do I answer salary questions?");
      check(client, tag + "waiting");
      expert.find("offer");
      check(expert, tag + "expert home, an offer");
      expert.find("offer-accept").click();
      client.find("room");
      expert.find("room");
      client.until("active", () -> "active".equals(client.find("session-status").getAttribute("data-status")));
      client.send("Hello");
      expert.until("the message", () -> expert.find("messages").getText().contains("Hello"));
      check(client, tag + "room, client");
      check(expert, tag + "room, expert");
      client.find("end-session").click();
      client.find("end-session-confirm").click();
      client.find("rate");
      check(client, tag + "ended, rating");
      check(expert, tag + "ended, expert");
      client.open("/#/account");
      client.find("balance");
      check(client, tag + "account, client");
      expert.open("/#/account");
      expert.find("earnings");
      check(expert, tag + "account, expert");
      client.find("nav-browse").click();
      client.find("browse");
      new org.openqa.selenium.support.ui.Select(client.find("browse-topic")).selectByValue(TOPIC);
      client.find("expert-card");
      check(client, tag + "expert directory");
      // This run's expert (the directory may list an earlier run's first, as the database is shared).
      String expertId = io.tandem.testing.Sql.string("SELECT id::text FROM accounts WHERE username = ?", expert.username);
      client.open("/#/experts/" + expertId);
      client.find("expert-topics");
      check(client, tag + "an expert's public profile");
      // The expert takes bookings all day: the client books a time and sees it under Bookings.
      io.tandem.testing.Sql.update("INSERT INTO expert_availability (expert_id, time_zone, hours) SELECT id, 'UTC', ?::jsonb FROM accounts"
          + " WHERE username = ?", io.tandem.testing.BookingFixtures.allDay().encode(), expert.username);
      client.browser.navigate().refresh(); // read the hours set since
      client.find("slot").click();
      client.find("book-confirm");
      check(client, tag + "booking a time");
      client.find("book-submit").click();
      client.find("booking");
      check(client, tag + "bookings, client");
      expert.open("/#/expert");
      expert.until("the booking to come", () -> expert.find("next-booking").getText().contains("Alex Kim"));
      expert.screenshot("expert-home-next-booking-" + language + "-" + size);
      check(expert, tag + "expert home, a booking to come");
      expert.open("/#/bookings");
      expert.find("booking");
      check(expert, tag + "bookings, expert");

      operator.open("/admin");
      WebElement signIn = operator.find("signin");
      check(operator, tag + "console sign-in");
      signIn.findElement(By.name("username")).sendKeys(ADMIN);
      signIn.findElement(By.name("password")).sendKeys(ADMIN_PASSWORD);
      signIn.findElement(By.cssSelector("[type=submit]")).click();
      operator.find("people-query").sendKeys(client.username);
      operator.find("people-search").click();
      operator.find("person-result").click();
      operator.until("the person", () -> operator.find("person").getText().contains("Alex Kim"));
      check(operator, tag + "console, a person");
    }
    List<String> lines = new ArrayList<>();
    violations.forEach((screen, found) -> found.forEach(v -> lines.add(screen + " — " + v)));
    assertThat(lines).as("serious or critical accessibility violations").isEmpty();
  }
}
