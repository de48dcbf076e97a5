package io.tandem.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Issue 22 in real Chromium: a first consultation without friction. Nothing asks for a place but
 * meeting in person, and then a district from a list will do.
 */
class FirstConsultationInBrowserTest {
  /** Jing'an, Shanghai, as the app's list of districts has it. */
  private static final double JINGAN_LAT = 31.2286;
  private static final double JINGAN_LNG = 121.4480;

  private static String baseUrl(RunningNode node) {
    return "http://localhost:" + node.node().httpPort();
  }

  @Test
  @DisplayName("an expert who presses Go online while the profile is still being saved goes online once it is saved")
  void goOnlineDuringTheFirstSave() {
    Browsers.assumeAvailable();
    String topic = Actors.uniqueTopic();
    try (RunningNode node = RunningNode.start(TestConfig.defaults());
         AppUser expert = new AppUser(baseUrl(node), "en", Browsers.DESKTOP)) {
      expert.signUp("expert", "Mei Chen");
      expert.open("/#/profile");
      expert.find("profile");
      // The save takes its time (a slow network), so that the click surely comes before it lands.
      expert.delayRequests("PUT", "/api/v1/experts/me", 1500);
      expert.submitProfile(topic, List.of("chat", "video"), 0, 0);
      expert.find("online-toggle").click();
      expert.until("online", () -> "true".equals(expert.find("online-toggle").getAttribute("aria-pressed")));
      assertThat(expert.find("profile-status").getAttribute("class")).contains("ok");
      expert.screenshot("first-en-online-during-first-save");
      assertThat(Sql.count("SELECT count(*) FROM expert_presence p JOIN expert_profiles e ON e.account_id = p.expert_id"
          + " WHERE p.status = 'online' AND ? = ANY (e.topics)", topic)).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("zh phone: a new expert reads an expert's pitch at sign-up, is told what a username may hold, is told once that going online needs a profile,"
      + " and goes online from where the first save was pressed")
  void aNewExpertFromSignUpToOnline() {
    Browsers.assumeAvailable();
    String topic = Actors.uniqueTopic();
    try (RunningNode node = RunningNode.start(TestConfig.defaults());
         AppUser expert = new AppUser(baseUrl(node), "zh-CN", Browsers.PHONE)) {
      expert.open("/#/signup");
      WebElement pitch = expert.find("auth-pitch");
      String clientsPitch = pitch.getText();
      expert.find("signup").findElement(By.cssSelector("input[name=role][value=expert]")).click();
      expert.until("the pitch speaks to experts", () -> "expert".equals(pitch.getAttribute("data-role")));
      // The heading is what a phone shows of it: an expert's, not the client's "talk to an expert in minutes".
      assertThat(pitch.getText()).isNotEqualTo(clientsPitch).contains("上线");
      // A phone shows the pitch's heading only: the expert's points come under the choice.
      assertThat(expert.find("expert-points").getText()).contains("爽约");
      expert.screenshot("first-zh-phone-signup-as-expert");
      // A Chinese name typed as the username: the error names the field and where the name goes.
      WebElement form = expert.find("signup");
      expert.fill(form, "username", "王老师");
      expert.fill(form, "displayName", "王老师");
      expert.fill(form, "password", "password-long-enough");
      form.findElement(By.cssSelector("[type=submit]")).click();
      expert.until("the username refused", () -> expert.find("signup-status").getText().contains("用户名"));
      assertThat(expert.find("signup-status").getText()).contains("您的称呼");
      expert.screenshot("first-zh-phone-signup-chinese-username");

      expert.signUp("expert", "陈美");
      expert.open("/#/expert");
      // Said once, in the presence bar, whose primary button is the way to the form.
      assertThat(expert.find("presence-profile-hint").getText()).contains("上线前需要先保存专家资料");
      assertThat(expert.find("presence-open-profile").getAttribute("class")).contains("btn-primary");
      assertThat(expert.shows("profile-missing")).isFalse();
      assertThat(expert.find("stats-none").getText()).contains("还没有收到推送");
      expert.screenshot("first-zh-phone-desk-no-profile");

      // "Go online" without a profile leads to the form, whose welcome says why.
      expert.find("online-toggle").click();
      expert.find("profile");
      expert.until("the profile's welcome says why", () -> expert.find("profile").findElement(By.xpath("..")).getText().contains("保存后即可上线"));
      assertThat(expert.shows("profile-go-online")).isFalse();
      expert.saveProfile(topic, List.of("chat"), 0, 0);
      WebElement goOnline = expert.find("profile-go-online");
      // Going online is the next step, not saving again: one primary button.
      assertThat(expert.find("profile").findElement(By.cssSelector("[type=submit]")).getAttribute("class")).doesNotContain("btn-primary");
      expert.scrollTo(goOnline);
      expert.screenshot("first-zh-phone-profile-saved-go-online");
      goOnline.click();
      expert.until("online", () -> "true".equals(expert.find("online-toggle").getAttribute("aria-pressed")));
      expert.until("the form's Go online gone", () -> !expert.shows("profile-go-online"));
      assertThat(Sql.count("SELECT count(*) FROM expert_presence p JOIN expert_profiles e ON e.account_id = p.expert_id"
          + " WHERE p.status = 'online' AND ? = ANY (e.topics)", topic)).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("zh phone: a chat-only expert saves no place; a chat request asks for none; meeting in person, a district from the list,"
      + " then the meeting point in the room and a check-in too far away said in Chinese")
  void aPlaceOnlyForMeetingInPerson() {
    Browsers.assumeAvailable();
    String topic = Actors.uniqueTopic();
    try (RunningNode node = RunningNode.start(TestConfig.defaults());
         AppUser expert = new AppUser(baseUrl(node), "zh-CN", Browsers.PHONE);
         AppUser client = new AppUser(baseUrl(node), "zh-CN", Browsers.PHONE)) {
      expert.signUp("expert", "陈美");
      expert.open("/#/profile");
      assertThat(expert.shows("place-picker")).as("chat and video need no place").isFalse();
      expert.saveProfile(topic, List.of("chat", "video"), 0, 0);
      expert.until("saved without a place", () -> expert.find("profile-status").getText().contains("已保存"));
      expert.screenshot("first-zh-phone-profile-no-place");
      assertThat(Sql.count("SELECT count(*) FROM expert_profiles WHERE lat IS NULL AND ? = ANY (topics)", topic)).isEqualTo(1);

      client.signUp("client", "王小明");
      WebElement form = client.chooseTopic(topic);
      assertThat(client.shows("place-picker")).as("not for chat").isFalse();
      client.screenshot("first-zh-phone-chat-no-place");
      form.findElement(By.cssSelector("input[name=mode][value=in_person]")).click();
      client.until("a place is asked for meeting in person", () -> client.shows("place-picker"));
      new Select(form.findElement(By.name("place"))).selectByValue("shanghai-jingan");
      client.scrollTo(client.find("place-picker"));
      client.screenshot("first-zh-phone-in-person-place");
      assertThat(new Select(form.findElement(By.name("place"))).getFirstSelectedOption().getText()).isEqualTo("上海 · 静安区");

      try (Person nearby = Actors.expert(node, topic, JINGAN_LAT + 0.01, JINGAN_LNG, 1, "in_person")) {
        form.findElement(By.name("brief")).sendKeys("想当面聊聊面试。");
        form.findElement(By.cssSelector("[type=submit]")).click();
        client.find("waiting");
        JsonObject offer = nearby.socket().awaitEvent("offer");
        assertThat(offer.getString("mode")).isEqualTo("in_person");
        assertThat(offer.getDouble("distanceKm")).as("from the district's centre").isBetween(0.5, 2.0);
        nearby.socket().ack("offer.accept", new JsonObject().put("offerId", offer.getString("offerId")));

        // In the room: where to meet (the expert's place), with a map, before anyone checks in.
        client.until("the meeting point is shown", () -> client.shows("meeting-point"));
        assertThat(client.find("room-brief").getText()).isEqualTo("想当面聊聊面试。");
        assertThat(client.find("meeting-point").getText()).startsWith("见面地点：").contains(String.format("%.5f", JINGAN_LAT + 0.01));
        assertThat(client.find("meeting-map").getAttribute("href")).startsWith("https://www.openstreetmap.org/");
        // Checking in from the district's centre, about 1.1 km away: refused, said in Chinese with the numbers.
        WebElement manual = client.find("room").findElement(By.cssSelector("details.manual"));
        client.until("the coordinates can be typed", () -> {
          if (manual.isDisplayed() && manual.getAttribute("open") == null) {
            manual.findElement(By.tagName("summary")).click();
          }
          return manual.findElement(By.name("lat")).isDisplayed();
        });
        manual.findElement(By.name("lat")).sendKeys(String.valueOf(JINGAN_LAT));
        manual.findElement(By.name("lng")).sendKeys(String.valueOf(JINGAN_LNG));
        manual.findElement(By.tagName("button")).click();
        client.until("too far, in Chinese", () -> client.find("checkin-status").getText().startsWith("您距离见面地点 "));
        assertThat(client.find("checkin-status").getText()).matches("您距离见面地点 11\\d\\d 米。请在 \\d+ 米范围内签到。");
        client.scrollTo(client.find("meeting-point"));
        client.screenshot("first-zh-phone-meeting-point");
      }
      assertThat(Sql.count("SELECT count(*) FROM requests WHERE topic = ? AND abs(lat - ?) < 1e-6 AND abs(lng - ?) < 1e-6", topic,
          JINGAN_LAT, JINGAN_LNG)).as("the district's point was sent").isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a chat message the network ate survives a reload: shown as sending, sent again by the next page, stored once;"
      + " the waiting room turns active by itself when the expert joins")
  void nothingLostAcrossAReload() {
    Browsers.assumeAvailable();
    String topic = Actors.uniqueTopic();
    try (RunningNode node = RunningNode.start(TestConfig.defaults());
         Person expert = Actors.expert(node, topic);
         AppUser client = new AppUser(baseUrl(node), "en-US", Browsers.DESKTOP)) {
      client.signUp("client", "Alex Kim");
      client.request(topic, "chat", 0, 0, "Can my offer be negotiated?");
      JsonObject offer = expert.socket().awaitEvent("offer");
      String sessionId = expert.socket().ack("offer.accept", new JsonObject().put("offerId", offer.getString("offerId"))).getString("sessionId");
      WebElement status = client.until("the client is in the room, waiting", () -> client.shows("session-status") ? client.find("session-status") : null);
      client.until("waiting for the expert", () -> "waiting".equals(status.getAttribute("data-status")));
      expert.socket().ack("room.join", new JsonObject().put("sessionId", sessionId));
      client.until("active as soon as the expert joined, pushed", () -> "active".equals(client.find("session-status").getAttribute("data-status")));

      // The network eats chat sends from here on (the frame never leaves), as on a train going into a tunnel.
      ((org.openqa.selenium.JavascriptExecutor) client.browser).executeScript(
          "const send = WebSocket.prototype.send;"
              + "WebSocket.prototype.send = function (data) { if (String(data).includes('\"room.send\"')) return; return send.call(this, data); };");
      client.send("Sent just before the tunnel");
      client.until("shown as sending", () -> client.shows("message-pending"));
      client.screenshot("first-en-message-sending");
      client.browser.navigate().refresh();
      JsonObject delivered = expert.socket().awaitEvent("room.message", m -> "Sent just before the tunnel".equals(m.getString("text")));
      assertThat(delivered.getString("clientMsgId")).isNotBlank();
      client.until("the page after the reload shows it sent", () -> client.find("messages").getText().contains("Sent just before the tunnel")
          && !client.shows("message-pending"));
      assertThat(Sql.count("SELECT count(*) FROM messages WHERE session_id = ?::uuid AND text = ?", sessionId, "Sent just before the tunnel"))
          .as("stored once").isEqualTo(1);
    }
  }

  @Test
  @DisplayName("the catalogue, in both languages: the expert ticks topics found by their Chinese name; the client finds one by an English"
      + " word and is shown the closest topics when nothing matches")
  void topicsFromTheCatalogue() {
    Browsers.assumeAvailable();
    try (RunningNode node = RunningNode.start(TestConfig.with(java.util.Map.of("topics.listedOnly", "true")));
         AppUser expert = new AppUser(baseUrl(node), "zh-CN", Browsers.PHONE);
         AppUser client = new AppUser(baseUrl(node), "en-US", Browsers.DESKTOP)) {
      expert.signUp("expert", "陈美");
      expert.open("/#/profile");
      WebElement profile = expert.find("profile");
      assertThat(expert.shows("topic-search")).isTrue();
      assertThat(profile.findElement(By.name("topics")).isDisplayed()).as("no typed topics where only listed ones go").isFalse();
      profile.findElement(By.name("topicSearch")).sendKeys("面试");
      WebElement choice = expert.until("the search finds job interviews by its Chinese name", () -> expert.browser.findElements(
          By.cssSelector("input[name=catalogueTopic][value='career.interview']")).stream().findFirst().orElse(null));
      assertThat(expert.find("topic-list").getText()).contains("职业发展 · 求职面试").doesNotContain("劳动法");
      choice.findElement(By.xpath("..")).click();
      expert.until("ticked", () -> expert.find("topics-chosen").getText().contains("1"));
      expert.screenshot("first-zh-phone-profile-topics");
      profile.findElement(By.cssSelector("input[name=modes][value=chat]")).click();
      profile.findElement(By.cssSelector("[type=submit]")).click();
      expert.until("saved", () -> expert.find("profile-status").getText().contains("已保存"));
      expert.goOnline();

      client.signUp("client", "Alex Kim");
      client.open("/#/request");
      WebElement form = client.find("new-request");
      form.findElement(By.name("topicSearch")).sendKeys("interview");
      Select topics = new Select(form.findElement(By.name("topic")));
      // Other tests' catalogues share this database: the search keeps what matches, job interviews among them.
      client.until("the search keeps job interviews", () -> topics.getOptions().stream()
          .anyMatch(o -> "career.interview".equals(o.getAttribute("value"))));
      assertThat(topics.getOptions()).extracting(WebElement::getText).noneMatch(text -> text.contains("Employment law"));
      topics.selectByValue("career.interview");
      assertThat(topics.getFirstSelectedOption().getText()).contains("Career · Job interviews").contains("1 free now");
      client.until("its price", () -> client.find("quote").getText().contains("20.00"));
      WebElement search = form.findElement(By.name("topicSearch"));
      search.clear();
      search.sendKeys("labor contract");
      WebElement closest = client.until("the closest topics instead of nothing", () -> client.shows("topic-suggestions")
          ? client.find("topic-suggestions") : null);
      assertThat(closest.getText()).contains("Employment law");
      client.screenshot("first-en-closest-topics");
      closest.findElement(By.cssSelector("[data-topic='legal.labour']")).click();
      client.until("picked", () -> "legal.labour".equals(topics.getFirstSelectedOption().getAttribute("value")));
      assertThat(form.findElement(By.name("topicOther")).isDisplayed()).isFalse();
    }
  }

  /** The expert's laptop, signed in to the phone's account, on the expert desk: online, as the phone set it. */
  private static void atTheDesk(AppUser laptop, Person phone) {
    laptop.signIn(phone.session().username(), "password-of-" + phone.session().username());
    laptop.open("/#/expert");
    laptop.until("online, as the phone set it", () -> "online".equals(laptop.find("presence-status").getAttribute("data-status")));
  }

  @Test
  @DisplayName("an offer shown before the expert's app reconnected is still closed when the client cancels after it")
  void offerRevokedAfterReconnect() {
    Browsers.assumeAvailable();
    String topic = Actors.uniqueTopic();
    try (RunningNode node = RunningNode.start(TestConfig.defaults());
         Person phone = Actors.expert(node, topic);
         Person client = Actors.client(node);
         AppUser laptop = new AppUser(baseUrl(node), "en-US", Browsers.DESKTOP)) {
      atTheDesk(laptop, phone);
      String requestId = client.socket().ack("request.create", Actors.request(topic, "chat")).getString("requestId");
      WebElement card = laptop.until("the offer on the laptop", () -> laptop.shows("offer") ? laptop.find("offer") : null);
      // The laptop's socket drops; the SDK reconnects and the server tells it the pending offer again.
      JavascriptExecutor js = (JavascriptExecutor) laptop.browser;
      js.executeScript("window.offersTold = 0; window.tandemApp.tandem.on('offer', () => window.offersTold++);"
          + " window.droppedSocket = window.tandemApp.tandem._ws; window.droppedSocket.close();");
      laptop.until("reconnected and told the offer again", () -> Boolean.TRUE.equals(js.executeScript(
          "return window.tandemApp.tandem._ws !== window.droppedSocket && window.tandemApp.tandem.connection === 'open' && window.offersTold > 0")));
      client.socket().ack("request.cancel", new JsonObject().put("requestId", requestId));
      laptop.until("closed as cancelled", () -> card.getText().contains("The client cancelled the request."));
      assertThat(card.findElement(AppUser.test("offer-accept")).isEnabled()).isFalse();
    }
  }

  @Test
  @DisplayName("an offer accepted on the expert's phone is closed on their laptop at once, not left to count down")
  void offerAcceptedOnAnotherDevice() {
    Browsers.assumeAvailable();
    String topic = Actors.uniqueTopic();
    try (RunningNode node = RunningNode.start(TestConfig.defaults());
         Person phone = Actors.expert(node, topic);
         Person client = Actors.client(node);
         AppUser laptop = new AppUser(baseUrl(node), "en-US", Browsers.DESKTOP)) {
      atTheDesk(laptop, phone);
      client.socket().ack("request.create", Actors.request(topic, "chat"));
      String offerId = phone.socket().awaitEvent("offer").getString("offerId");
      WebElement card = laptop.until("the offer on the laptop too", () -> laptop.shows("offer") ? laptop.find("offer") : null);
      phone.socket().ack("offer.accept", new JsonObject().put("offerId", offerId));
      laptop.until("closed as accepted elsewhere", () -> card.getText().contains("You accepted this on another of your devices"));
      assertThat(card.findElement(AppUser.test("offer-countdown")).getText()).isEqualTo("0");
      assertThat(card.findElement(AppUser.test("offer-accept")).isEnabled()).isFalse();
      laptop.screenshot("offer-accepted-elsewhere");
    }
  }
}
