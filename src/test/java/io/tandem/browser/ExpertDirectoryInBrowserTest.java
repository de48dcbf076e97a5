package io.tandem.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The expert directory in real Chromium: a visitor who has not signed up browses a topic's experts
 * and reads a profile's reviews (Chinese, phone size); a client goes from the directory to a
 * profile to a request on that topic, which reaches the expert (English, desktop).
 */
class ExpertDirectoryInBrowserTest {
  private static final String ADMIN = "directory-operator";
  private static final String ADMIN_PASSWORD = "directory-operator-password";
  private static RunningNode node;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.with(java.util.Map.of("auth.admins", TestConfig.admin(ADMIN, ADMIN_PASSWORD))));
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

  @Test
  @DisplayName("zh, phone: without an account, a topic's experts (online first, with their reviews) and a profile; asking leads to sign-in")
  void visitorBrowses() {
    Browsers.assumeAvailable();
    String topic = Actors.uniqueTopic();
    try (Person rated = Actors.expert(node, topic); Person offline = Actors.expert(node, topic + ".sub");
         Person client = Actors.client(node);
         AppUser visitor = new AppUser(baseUrl(), "zh-CN", Browsers.PHONE)) {
      Actors.consultedAndRated(node.http(), Actors.matched(client, rated, topic), 5, "讲得很清楚，很有帮助");
      offline.socket().ack("presence.offline", new JsonObject());

      visitor.open("/#/browse/" + topic);
      visitor.until("both experts are listed", () -> visitor.browser.findElements(AppUser.test("expert-card")).size() == 2);
      WebElement first = visitor.browser.findElements(AppUser.test("expert-card")).get(0);
      assertThat(first.getAttribute("data-expert-id")).as("online first").isEqualTo(rated.id());
      assertThat(first.findElement(AppUser.test("expert-online")).getText()).isEqualTo("在线");
      assertThat(first.findElement(AppUser.test("expert-reviews")).getText()).isEqualTo("1 条文字评价");
      assertThat(first.findElement(AppUser.test("expert-price")).getText()).contains("¥20.00");
      visitor.screenshot("directory-zh-phone");

      first.findElement(AppUser.test("expert-link")).click();
      WebElement review = visitor.find("review");
      assertThat(review.getText()).contains("讲得很清楚，很有帮助").contains("★★★★★");
      assertThat(visitor.find("expert-profile-name").getText()).isEqualTo("Test expert");
      assertThat(visitor.browser.findElement(By.tagName("body")).getText()).as("what the expert wrote of the client is not public")
          .doesNotContain("Rude client");
      visitor.screenshot("directory-profile-zh-phone");
      visitor.find("ask-topic").click();
      visitor.find("signin");
      // Signing up from there opens the request with that topic chosen.
      visitor.signUp("client", "新访客");
      WebElement form = visitor.find("new-request");
      visitor.until("the topic is chosen", () -> topic.equals(new Select(form.findElement(By.name("topic"))).getFirstSelectedOption().getAttribute("value")));
    }
  }

  @Test
  @DisplayName("en, desktop: a client opens Experts, picks a profile, asks about its topic, and the request reaches that topic's expert")
  void clientAsksFromAProfile() {
    Browsers.assumeAvailable();
    String topic = Actors.uniqueTopic();
    try (Person expert = Actors.expert(node, topic);
         AppUser client = new AppUser(baseUrl(), "en-US", Browsers.DESKTOP)) {
      client.signUp("client", "Alex Kim");
      client.find("nav-browse").click();
      client.open("/#/browse/" + topic);
      client.find("expert-link").click();
      client.find("expert-topics");
      client.find("ask-topic").click();
      WebElement form = client.find("new-request");
      client.until("the topic is chosen", () -> topic.equals(new Select(form.findElement(By.name("topic"))).getFirstSelectedOption().getAttribute("value")));
      client.until("its price is shown before asking", () -> client.find("quote").getText().contains("20.00"));
      client.screenshot("directory-ask-en");
      form.findElement(By.cssSelector("[type=submit]")).click();
      client.find("waiting");
      assertThat(expert.socket().awaitEvent("offer").getString("topic")).isEqualTo(topic);
    }
  }

  @Test
  @DisplayName("en, phone: an expert reports a client's review from their account; zh, desktop: an operator hides it from the console's queue")
  void expertReportsAReview() {
    Browsers.assumeAvailable();
    String topic = Actors.uniqueTopic();
    try (Person expert = Actors.expert(node, topic); Person client = Actors.client(node);
         AppUser app = new AppUser(baseUrl(), "en-US", Browsers.PHONE);
         AppUser operator = new AppUser(baseUrl(), "zh-CN", Browsers.DESKTOP)) {
      Actors.Pair pair = Actors.matched(client, expert, topic);
      Actors.consultedAndRated(node.http(), pair, 1, "He works for my competitor");
      app.signIn(expert.session().username(), "password-of-" + expert.session().username());
      app.until("signed in", () -> app.shows("signout"));
      app.open("/#/account");
      app.find("report-review").click();
      WebElement form = app.find("report-form");
      form.findElement(By.cssSelector("[type=submit]")).click();
      app.until("a reason is asked for", () -> app.find("report-status").getText().contains("Say why"));
      app.fill(form, "reason", "The client names a competitor to discredit me");
      form.findElement(By.cssSelector("[type=submit]")).click();
      app.find("review-reported");
      app.screenshot("directory-review-reported-en-phone");
      assertThat(Sql.string("SELECT report_reason FROM ratings WHERE session_id = ?::uuid AND ratee_id = ?::uuid", pair.sessionId(), expert.id()))
          .isEqualTo("The client names a competitor to discredit me");

      operator.open("/admin");
      WebElement signIn = operator.find("signin");
      operator.fill(signIn, "username", ADMIN);
      operator.fill(signIn, "password", ADMIN_PASSWORD);
      signIn.findElement(By.cssSelector("[type=submit]")).click();
      By row = By.cssSelector("[data-test=review-row][data-review-id='" + pair.sessionId() + "']");
      WebElement queued = operator.until("the reported review is queued", () -> operator.browser.findElements(row).stream().findFirst().orElse(null));
      assertThat(queued.getText()).contains("He works for my competitor").contains("The client names a competitor");
      operator.scrollTo(queued);
      queued.findElement(AppUser.test("review-hide")).click();
      queued.findElement(AppUser.test("review-reason")).sendKeys("指名道姓攻击竞争对手");
      operator.screenshot("directory-operator-hide-zh");
      queued.findElement(AppUser.test("review-confirm")).click();
      operator.until("the review leaves the queue", () -> operator.browser.findElements(row).isEmpty());
      assertThat(node.http().get("/api/v1/experts/" + expert.id()).json().getJsonArray("recentReviews")).isEmpty();
      app.open("/#/account");
      app.browser.navigate().refresh();
      app.until("the expert sees it hidden", () -> app.find("review-moderation").getText().contains("hid this review"));
      assertThat(app.shows("report-review")).isFalse();
    }
  }

  @Test
  @DisplayName("zh, phone: an expert sets weekly hours and a day off under their profile; the slots follow")
  void expertSetsHours() {
    Browsers.assumeAvailable();
    try (Person expert = Actors.expert(node, Actors.uniqueTopic());
         AppUser app = new AppUser(baseUrl(), "zh-CN", Browsers.PHONE)) {
      app.signIn(expert.session().username(), "password-of-" + expert.session().username());
      app.until("signed in", () -> app.shows("signout"));
      app.open("/#/profile");
      WebElement form = app.find("availability");
      WebElement zone = form.findElement(By.name("timeZone"));
      zone.clear();
      zone.sendKeys("Asia/Shanghai");
      app.scrollTo(form.findElement(AppUser.test("availability-mon")));
      form.findElement(AppUser.test("availability-mon")).click();
      ((org.openqa.selenium.JavascriptExecutor) app.browser).executeScript(
          "arguments[0].value = '09:00'; arguments[1].value = '12:00';", form.findElement(By.name("from-mon")), form.findElement(By.name("to-mon")));
      String dayOff = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")).plusDays(10).toString();
      ((org.openqa.selenium.JavascriptExecutor) app.browser).executeScript("arguments[0].value = arguments[1];",
          form.findElement(AppUser.test("day-off-date")), dayOff);
      form.findElement(AppUser.test("day-off-add")).click();
      form.findElement(By.cssSelector("[type=submit]")).click();
      app.until("saved", () -> app.find("availability-status").getText().contains("时段已保存"));
      app.screenshot("availability-zh-phone");
      JsonObject saved = node.http().get("/api/v1/experts/me/availability", expert.session().accessToken()).json();
      assertThat(saved.getString("timeZone")).isEqualTo("Asia/Shanghai");
      assertThat(saved.getJsonArray("weekly").encode()).isEqualTo("[{\"from\":\"09:00\",\"to\":\"12:00\",\"day\":\"mon\"}]");
      assertThat(saved.getJsonArray("exceptions").getJsonObject(0).getString("date")).isEqualTo(dayOff);
      java.time.ZonedDateTime monday = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai"))
          .with(java.time.temporal.TemporalAdjusters.next(java.time.DayOfWeek.MONDAY)).atStartOfDay(java.time.ZoneId.of("Asia/Shanghai"));
      assertThat(node.http().get("/api/v1/experts/" + expert.id() + "/slots?mode=chat&from=" + monday.toInstant() + "&to="
          + monday.plusDays(1).toInstant()).json().getJsonArray("slots")).as("09:00 to 12:00 in half hours").hasSize(6);
    }
  }

  @Test
  @DisplayName("en, phone: a client asks one expert from their profile; only they are offered it; they decline; the client opens it to all and another expert gets it")
  void askThisExpert() {
    Browsers.assumeAvailable();
    String topic = Actors.uniqueTopic();
    try (Person other = Actors.expert(node, topic); Person chosen = Actors.expert(node, topic);
         AppUser client = new AppUser(baseUrl(), "en-US", Browsers.PHONE)) {
      client.signUp("client", "Kai Lin");
      client.open("/#/experts/" + chosen.id());
      client.find("ask-expert").click();
      client.until("the expert asked is named", () -> client.find("chosen-expert-name").getText().contains("Asking Test expert first"));
      client.screenshot("ask-this-expert-en-phone");
      client.find("new-request").findElement(By.cssSelector("[type=submit]")).click();
      client.find("waiting");
      String offerId = chosen.socket().awaitEvent("offer").getString("offerId");
      assertThat(other.socket().staysWithout("offer", java.time.Duration.ofMillis(500))).as("only the expert asked").isTrue();
      chosen.socket().ack("offer.decline", new JsonObject().put("offerId", offerId));
      client.until("told the expert cannot take it", () -> client.find("request-reason").getText().contains("The expert you asked"));
      client.screenshot("ask-this-expert-declined-en-phone");
      client.find("open-request").click();
      assertThat(other.socket().awaitEvent("offer").getString("topic")).isEqualTo(topic);
    }
  }
}
