package io.tandem.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Person;
import io.tandem.testing.RunningNode;
import io.tandem.testing.TestConfig;
import io.tandem.testing.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Consultations in real Chromium, through the web app only: what a client, an expert and an
 * operator see and do. Each test starts its own node on port 0; screenshots of the key screens go
 * to {@code target/screenshots/}.
 */
class ConsultationInBrowserTest {
  private static final double LAT = Actors.SHANGHAI_LAT;
  private static final double LNG = Actors.SHANGHAI_LNG;
  private static final String ADMIN = "operator";
  private static final String ADMIN_PASSWORD = "operator-password-1";

  private static String baseUrl(RunningNode node) {
    return "http://localhost:" + node.node().httpPort();
  }

  /** The expert fills the profile and goes online; the client asks; the expert accepts the offer: both are in the room. */
  private static String meetInRoom(AppUser client, AppUser expert, String topic, String mode, String screenshots) {
    expert.signUp("expert", "Mei Chen");
    expert.saveProfile(topic, List.of("chat", "video", "in_person"), LAT, LNG);
    expert.goOnline();
    client.signUp("client", "Alex Kim");
    client.request(topic, mode, LAT + 0.01, LNG, "Preparing for a system design interview next week.");
    WebElement waiting = client.find("waiting");
    client.until("a queue position is shown", () -> !waiting.findElement(AppUser.test("position")).getText().isBlank());
    WebElement offer = expert.find("offer");
    int countdown = Integer.parseInt(offer.findElement(AppUser.test("offer-countdown")).getText().trim());
    assertThat(countdown).as("seconds left on the offer").isBetween(1, 20);
    if (screenshots != null) {
      client.screenshot(screenshots + "-client-waiting");
      expert.screenshot(screenshots + "-expert-offer");
    }
    expert.find("offer-accept").click();
    String sessionId = client.find("room").getAttribute("data-session-id");
    assertThat(expert.find("room").getAttribute("data-session-id")).isEqualTo(sessionId);
    return sessionId;
  }

  /** The client calls; the expert sees the incoming call and joins it. */
  private static void callBothWays(AppUser client, AppUser expert) {
    client.find("call-start").click();
    expert.until("the incoming call is shown", () -> expert.shows("call-incoming"));
    expert.find("call-incoming").click();
  }

  @Test
  @DisplayName("a client and an expert, from sign-up to rating, entirely in the browser: offer countdown, chat both ways,"
      + " a reload that shows the history once, a video call, the end and the rating the expert then sees")
  void signUpToRating() {
    Browsers.assumeAvailable();
    String topic = "career.interview";
    try (RunningNode node = RunningNode.start(TestConfig.defaults());
         AppUser expert = new AppUser(baseUrl(node), "en-US", Browsers.DESKTOP);
         AppUser client = new AppUser(baseUrl(node), "en-US", Browsers.DESKTOP)) {
      String sessionId = meetInRoom(client, expert, topic, "video", "consultation");

      client.send("Hello, thanks for taking this.");
      expert.awaitMessages(1);
      expert.send("Happy to help. What is the role?");
      client.send("Senior backend engineer.");
      client.send("The interview is on Monday.");
      expert.send("Then let us start with the system design round.");
      List<Map.Entry<Integer, String>> before = client.awaitMessages(5);
      expert.awaitMessages(5);
      // A person keeps typing; the indicator is relayed at most once a second, so keep at it.
      client.until("the expert's typing is shown", () -> {
        expert.find("chat-input").sendKeys("m");
        return client.shows("typing");
      });
      client.screenshot("consultation-room-chat");

      client.browser.navigate().refresh();
      client.find("room");
      List<Map.Entry<Integer, String>> after = client.awaitMessages(5);
      assertThat(after).as("the history after a reload: every message once, in order").isEqualTo(before);
      assertThat(after.stream().map(Map.Entry::getKey).toList()).containsExactlyElementsOf(IntStream.rangeClosed(1, 5).boxed().toList());
      assertThat(after.get(1).getValue()).isEqualTo("Happy to help. What is the role?");

      callBothWays(client, expert);
      Map<String, Object> clientSide = client.awaitCallFlowing();
      Map<String, Object> expertSide = expert.awaitCallFlowing();
      assertThat(clientSide.get("state")).isEqualTo("connected");
      assertThat(expertSide.get("state")).isEqualTo("connected");
      client.screenshot("consultation-room-call");
      expert.screenshot("consultation-room-call-expert");

      client.find("call-hangup").click();
      client.find("end-session").click();
      client.find("end-session-confirm").click();
      WebElement rate = client.find("rate");
      rate.findElement(By.cssSelector("[data-test=star][data-value=\"5\"]")).click();
      rate.findElement(By.name("comment")).sendKeys("Clear, concrete advice.");
      rate.findElement(By.cssSelector("[type=submit]")).click();
      client.find("rated");
      client.screenshot("consultation-rated");

      expert.open("/#/account");
      WebElement rating = expert.find("my-rating");
      expert.until("the rating shows one review", () -> rating.getText().contains("1"));
      expert.until("the session's stars are in the expert's history", () -> expert.browser.findElements(AppUser.test("history-item")).stream()
          .anyMatch(item -> item.getText().contains("Clear, concrete advice.")));
      expert.screenshot("consultation-expert-account");
      String expertToken = node.http().logIn(expert.username, "password-" + expert.username);
      JsonObject stored = node.http().get("/api/v1/me/sessions", expertToken).json().getJsonArray("sessions").getJsonObject(0);
      assertThat(stored.getString("id")).isEqualTo(sessionId);
      assertThat(stored.getString("status")).isEqualTo("completed");
    }
  }

  @Test
  @DisplayName("the same call forced through coturn with credentials the server minted; refused with a wrong shared secret")
  void relayedCall() {
    Browsers.assumeAvailable();
    String secret = "turn-shared-secret-for-tests";
    try (Coturn turn = Coturn.start(secret)) {
      Map<String, Object> relayed = relayedCallStats(turn, secret, true);
      assertThat(relayed.get("state")).isEqualTo("connected");
      assertThat(relayed.get("localCandidate")).as("the candidate in use is the TURN relay").isEqualTo("relay");
      assertThat(turn.log()).as("coturn accepted the minted credentials").doesNotContain("Cannot find credentials");
    }
    try (Coturn turn = Coturn.start("another-secret-entirely")) {
      Map<String, Object> refused = relayedCallStats(turn, secret, false);
      assertThat(refused.get("state")).as("no relay allocation, no connection").isNotEqualTo("connected");
      // coturn's word for a username whose HMAC does not match its shared secret.
      assertThat(turn.log()).as("coturn refused the credentials").contains("check_stun_auth: Cannot find credentials of user");
    }
  }

  /** A video call between two browsers limited to relay candidates; {@code expectConnected} says how long to wait. */
  private static Map<String, Object> relayedCallStats(Coturn turn, String serverSecret, boolean expectConnected) {
    try (RunningNode node = RunningNode.start(TestConfig.with(Map.of(
             "turn.urls", new JsonArray().add(turn.url()).encode(),
             "turn.secret", serverSecret)));
         AppUser expert = new AppUser(baseUrl(node), "en-US", Browsers.DESKTOP);
         AppUser client = new AppUser(baseUrl(node), "en-US", Browsers.DESKTOP)) {
      for (AppUser user : List.of(client, expert)) {
        user.open("/");
        user.setLocal("tandem.iceTransportPolicy", "relay");
      }
      meetInRoom(client, expert, "legal.labour", "video", null);
      callBothWays(client, expert);
      if (expectConnected) {
        Map<String, Object> stats = client.awaitCallFlowing();
        expert.awaitCallFlowing();
        client.screenshot("relayed-call");
        return stats;
      }
      // Nothing to wait for but the absence of a connection: watch it for a bounded while.
      long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
      Map<String, Object> stats = client.callStats();
      while (System.nanoTime() < end && !"connected".equals(stats.get("state")) && !"failed".equals(stats.get("state"))) {
        stats = client.until("a moment passes", () -> client.callStats());
      }
      return stats;
    }
  }

  @Test
  @DisplayName("an expert who accepts and never joins: the client is told and is back at the front of the queue; a second expert"
      + " gets the offer; the operator console shows the live session, waives the no-show penalty and flags a failing webhook")
  void expertNoShowAndOperator() {
    Browsers.assumeAvailable();
    String topic = Actors.uniqueTopic();
    try (WebhookReceiver crm = WebhookReceiver.start();
         RunningNode node = RunningNode.start(TestConfig.with(Map.of(
             "session.joinWindowSeconds", "6",
             "session.lateGraceSeconds", "1",
             "penalties.waiveFirstOffence", "false",
             "auth.admins", TestConfig.admin(ADMIN, ADMIN_PASSWORD),
             // A receiver that is down: every delivery fails, and the console says so.
             "webhooks.url", crm.url(),
             "webhooks.secret", "browser-test-webhook-secret",
             "webhooks.pollIntervalMs", "100",
             "webhooks.initialBackoffMs", "500")));
         Person absent = Actors.expert(node, topic);
         AppUser client = new AppUser(baseUrl(node), "en-US", Browsers.DESKTOP);
         AppUser operator = new AppUser(baseUrl(node), "en-US", Browsers.DESKTOP)) {
      crm.answer(delivery -> 503);
      client.signUp("client", "Sam Lee");
      client.request(topic, "chat", LAT, LNG, "A question about my contract.");
      JsonObject offer = absent.socket().awaitEvent("offer");
      String firstSession = absent.socket().ack("offer.accept", new JsonObject().put("offerId", offer.getString("offerId")))
          .getString("sessionId");
      client.find("room");

      try (Person second = Actors.expert(node, topic)) {
        WebElement notice = client.until("the client is told the expert did not show", () -> client.shows("notice") ? client.find("notice") : null);
        assertThat(notice.getText()).containsIgnoringCase("did not");
        WebElement waiting = client.find("waiting");
        client.until("back at the front of the queue", () -> "1".equals(waiting.findElement(AppUser.test("position")).getText().trim()));
        client.screenshot("no-show-client-notice");
        JsonObject secondOffer = second.socket().awaitEvent("offer");
        assertThat(secondOffer.getString("requestId")).isEqualTo(offer.getString("requestId"));
        String secondSession = second.socket().ack("offer.accept", new JsonObject().put("offerId", secondOffer.getString("offerId")))
            .getString("sessionId");
        assertThat(secondSession).isNotEqualTo(firstSession);

        operator.open("/admin");
        WebElement signIn = operator.find("signin");
        operator.fill(signIn, "username", ADMIN);
        operator.fill(signIn, "password", ADMIN_PASSWORD);
        signIn.findElement(By.cssSelector("[type=submit]")).click();
        WebElement live = operator.until("the live session is listed", () -> operator.browser.findElements(
                By.cssSelector("[data-test=session-row][data-session-id=\"" + secondSession + "\"]")).stream().findFirst().orElse(null));
        assertThat(live.getText()).containsIgnoringCase("waiting");
        String penaltyId = node.http().get("/api/v1/admin/penalties", node.http().logIn(ADMIN, ADMIN_PASSWORD)).json()
            .getJsonArray("penalties").stream().map(JsonObject.class::cast)
            .filter(p -> "no_show".equals(p.getString("kind"))).findFirst().orElseThrow().getString("id");
        By row = By.cssSelector("[data-test=penalty-row][data-penalty-id=\"" + penaltyId + "\"]");
        operator.until("the no-show penalty is listed", () -> !operator.browser.findElements(row).isEmpty());
        operator.screenshot("operator-console");
        operator.browser.findElement(row).findElement(AppUser.test("waive")).click();
        operator.find("waive-reason").sendKeys("The client's address was wrong.");
        operator.find("waive-confirm").click();
        operator.until("the penalty shows as waived", () -> operator.browser.findElements(row).stream()
            .anyMatch(r -> r.findElements(AppUser.test("waive")).isEmpty()));
        JsonObject waived = node.http().get("/api/v1/admin/penalties", node.http().logIn(ADMIN, ADMIN_PASSWORD)).json()
            .getJsonArray("penalties").stream().map(JsonObject.class::cast)
            .filter(p -> penaltyId.equals(p.getString("id"))).findFirst().orElseThrow();
        assertThat(waived.getBoolean("waived")).isTrue();
        operator.screenshot("operator-console-waived");

        By webhook = By.cssSelector("[data-test=webhook-row][data-state=failing]");
        WebElement failing = operator.until("the failing webhook is flagged", () -> operator.browser.findElements(webhook).stream()
            .findFirst().orElse(null));
        assertThat(failing.getText()).contains(crm.url()).contains("HTTP 503");
        ((org.openqa.selenium.JavascriptExecutor) operator.browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", failing);
        operator.screenshot("operator-console-webhooks");
      }
    }
  }

  @Test
  @DisplayName("a waiting client is told the truth: why nobody is coming and no made-up ETA; an in-person request out of range"
      + " falls back to video as the client chose; the expert reads how they are judged")
  void honestWaiting() {
    Browsers.assumeAvailable();
    String topic = Actors.uniqueTopic();
    try (RunningNode node = RunningNode.start(TestConfig.defaults());
         Person farExpert = Actors.expert(node, topic, 39.9042, 116.4074, 2, "in_person", "video");
         AppUser user = new AppUser(baseUrl(node), "en-US", Browsers.DESKTOP)) {
      user.signUp("client", "Alex Kim");
      user.request(topic, "chat", LAT, LNG, "Nobody offers this in chat.");
      WebElement reason = user.until("the reason is shown", () -> user.shows("request-reason") ? user.find("request-reason") : null);
      assertThat(reason.getText()).contains("No expert is online");
      assertThat(user.find("eta").getText()).doesNotContainPattern("\\d");
      user.screenshot("waiting-no-expert");
      user.find("cancel-request").click();
      user.until("cancelled", () -> user.shows("new-request-link"));

      user.requestInPerson(topic, LAT, LNG, 20, true, "Happy to talk on video if nobody is near.");
      WebElement notice = user.until("the switch to video is told", () -> user.shows("fallback-notice") ? user.find("fallback-notice") : null);
      assertThat(notice.getText()).containsIgnoringCase("video");
      JsonObject offer = farExpert.socket().awaitEvent("offer");
      assertThat(offer.getString("mode")).isEqualTo("video");
      user.screenshot("waiting-fell-back");
      farExpert.socket().ack("offer.decline", new JsonObject().put("offerId", offer.getString("offerId")));

      user.find("signout").click();
      user.signIn(farExpert.session().username(), "password-of-" + farExpert.session().username());
      user.open("/#/expert");
      WebElement stats = user.find("expert-stats");
      user.until("the decline is counted", () -> stats.findElements(AppUser.test("stat-declined")).stream()
          .anyMatch(cell -> cell.getText().contains("1")));
      assertThat(stats.findElement(AppUser.test("stat-rate")).getText()).contains("0%");
      user.screenshot("expert-stats");
    }
  }

  @Test
  @DisplayName("the expert walks out of the room: the client is warned, then the session is closed as abandoned by the expert")
  void leftAlone() {
    Browsers.assumeAvailable();
    try (RunningNode node = RunningNode.start(TestConfig.with(Map.of(
             "session.aloneTimeoutSeconds", "6",
             "session.endWarningSeconds", "5",
             "matching.sweepIntervalMs", "250")));
         AppUser expert = new AppUser(baseUrl(node), "en-US", Browsers.DESKTOP);
         AppUser client = new AppUser(baseUrl(node), "en-US", Browsers.DESKTOP)) {
      meetInRoom(client, expert, Actors.uniqueTopic(), "chat", null);
      client.send("Are you there?");
      expert.awaitMessages(1);
      expert.open("/#/expert"); // leaving the room view leaves the room
      WebElement warning = client.until("the client is warned", () -> client.browser.findElements(AppUser.test("toast")).stream()
          .filter(t -> t.getText().contains("left the room")).findFirst().orElse(null));
      assertThat(warning.getText()).contains("unless they come back");
      client.screenshot("left-alone-warning");
      WebElement reason = client.find("ended-reason");
      assertThat(reason.getText()).contains("left alone");
      assertThat(client.find("ended-by").getText()).contains("Mei Chen left the room");
      client.screenshot("left-alone-ended");
    }
  }

  @Test
  @DisplayName("in Simplified Chinese on a phone-sized screen: sign-up, the request, the waiting screen and the room")
  void chinese() {
    Browsers.assumeAvailable();
    String topic = "tax";
    try (RunningNode node = RunningNode.start(TestConfig.defaults());
         Person expert = Actors.expert(node, topic);
         AppUser client = new AppUser(baseUrl(node), "zh-CN", Browsers.PHONE)) {
      client.open("/");
      client.until("the page is in Chinese", () -> "zh-CN".equals(client.browser.findElement(By.tagName("html")).getAttribute("lang")));
      assertThat(client.browser.findElement(By.tagName("body")).getText()).as("Chinese text").containsPattern("\\p{IsHan}");
      client.screenshot("zh-signup");
      client.signUp("client", "李雷");
      client.request(topic, "chat", LAT, LNG, "个税专项附加扣除怎么填？");
      client.screenshot("zh-waiting");
      assertThat(client.find("waiting").getText()).containsPattern("\\p{IsHan}");
      JsonObject offer = expert.socket().awaitEvent("offer");
      String sessionId = expert.socket().ack("offer.accept", new JsonObject().put("offerId", offer.getString("offerId"))).getString("sessionId");
      expert.socket().ack("room.join", new JsonObject().put("sessionId", sessionId));
      expert.socket().ack("room.send", new JsonObject().put("sessionId", sessionId).put("clientMsgId", "e1").put("text", "您好，请讲。"));
      client.find("room");
      client.awaitMessages(1);
      assertThat(client.find("room").getText()).containsPattern("\\p{IsHan}");
      client.screenshot("zh-room");
      Object overflow = ((org.openqa.selenium.JavascriptExecutor) client.browser)
          .executeScript("return document.documentElement.scrollWidth - window.innerWidth");
      assertThat(((Number) overflow).intValue()).as("pixels the page is wider than the phone's screen").isLessThanOrEqualTo(0);
    }
  }
}
