package io.tandem.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors.Person;
import io.tandem.testing.Actors;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Money as people see it in the app and the console, in real Chromium: the price before asking,
 * what a consultation cost on its end screen and in the ledger, demo top-ups, an operator's refund,
 * and a client who leaves while waiting is neither matched nor charged. English and Chinese, desktop and phone.
 */
class MoneyInBrowserTest {
  private static final double LAT = Actors.SHANGHAI_LAT;
  private static final double LNG = Actors.SHANGHAI_LNG;
  private static final String ADMIN = "money-operator";
  private static final String ADMIN_PASSWORD = "money-operator-password";

  private static String baseUrl(RunningNode node) {
    return "http://localhost:" + node.node().httpPort();
  }

  @Test
  @DisplayName("en: the price before asking; 'You paid' and 'You earned' at the end; the client's ledger says paid; a demo top-up;"
      + " an operator's refund from the console lands in the client's ledger with its reason")
  void paidThenRefunded() {
    Browsers.assumeAvailable();
    String topic = "career.interview";
    try (RunningNode node = RunningNode.start(TestConfig.with(Map.of("auth.admins", TestConfig.admin(ADMIN, ADMIN_PASSWORD))));
         AppUser expert = new AppUser(baseUrl(node), "en-US", Browsers.DESKTOP);
         AppUser client = new AppUser(baseUrl(node), "en-US", Browsers.DESKTOP);
         AppUser operator = new AppUser(baseUrl(node), "en-US", Browsers.DESKTOP)) {
      expert.signUp("expert", "Mei Chen");
      expert.saveProfile(topic, List.of("chat", "video"), LAT, LNG);
      expert.goOnline();
      client.signUp("client", "Alex Kim");
      client.chooseTopic(topic);
      WebElement quote = client.find("quote");
      client.until("the price is shown before asking", () -> quote.getText().contains("20.00"));
      assertThat(quote.getText()).contains("¥");
      client.screenshot("money-price-before-asking");

      client.request(topic, "chat", LAT + 0.01, LNG, "How do I negotiate an offer?");
      WebElement offer = expert.find("offer");
      assertThat(offer.findElement(AppUser.test("offer-earns")).getText()).as("the expert sees what they earn").contains("18.00");
      expert.screenshot("money-offer-earns");
      expert.find("offer-accept").click();
      client.find("room");
      client.until("the room says the price", () -> client.find("room-price").getText().contains("20.00"));
      client.send("Hello!");
      expert.awaitMessages(1);
      client.find("end-session").click();
      client.find("end-session-confirm").click();
      // CNY in English reads CN¥, told apart from the yen.
      assertThat(client.find("ended-payment").getText()).isEqualTo("You paid CN¥20.00.");
      assertThat(expert.find("ended-payment").getText()).isEqualTo("You earned CN¥18.00.");
      client.screenshot("money-end-paid");

      client.open("/#/account");
      WebElement paid = client.until("the hold shows as paid", () -> client.browser.findElements(
          By.cssSelector("[data-test=ledger-entry][data-kind=hold][data-settlement=paid]")).stream().findFirst().orElse(null));
      assertThat(paid.getText()).contains("Paid for a session").contains("-CN¥20.00");
      assertThat(client.find("demo-money").getText()).contains("not real money");
      client.fill(client.find("top-up"), "amount", "50");
      client.find("top-up-submit").click();
      client.until("the top-up is credited", () -> client.find("balance").getText().contains("130.00"));
      client.screenshot("money-client-ledger");

      String sessionId = Sql.string("SELECT id::text FROM sessions WHERE client_id = (SELECT id FROM accounts WHERE username = ?)", client.username);
      operator.open("/admin");
      WebElement signIn = operator.find("signin");
      operator.fill(signIn, "username", ADMIN);
      operator.fill(signIn, "password", ADMIN_PASSWORD);
      signIn.findElement(By.cssSelector("[type=submit]")).click();
      operator.find("people-query").sendKeys(client.username);
      operator.find("people-search").click();
      operator.find("person-result").click();
      WebElement refund = operator.until("the session can be refunded", () -> operator.browser.findElements(
          By.cssSelector("[data-test=action-refund][data-target=\"" + sessionId + "\"]")).stream().findFirst().orElse(null));
      refund.click();
      // Typed in yuan, as every amount on screen reads.
      operator.find("action-amount").sendKeys("5");
      operator.until("the amount is read back in the currency", () -> operator.find("action-amount-preview").getText().contains("CN¥5.00"));
      operator.find("action-reason").sendKeys("The audio kept dropping.");
      operator.screenshot("money-operator-refund");
      operator.find("action-confirm").click();
      WebElement audited = operator.until("the refund is in the person's audit, with its amount", () -> operator.browser.findElements(
          AppUser.test("person-audit")).stream().filter(e -> e.getText().contains("The audio kept dropping.")).findFirst().orElse(null));
      assertThat(audited.getText()).contains("CN¥5.00");
      operator.scrollTo(audited);
      operator.screenshot("money-operator-audit");

      client.browser.navigate().refresh();
      WebElement refunded = client.until("the refund is in the client's ledger", () -> client.browser.findElements(
          By.cssSelector("[data-test=ledger-entry][data-kind=refund]")).stream().findFirst().orElse(null));
      assertThat(refunded.getText()).contains("Refund").contains("+CN¥5.00").contains("The audio kept dropping.")
          .as("which consultation it is of").contains("Career · Job interviews").contains("Mei Chen");
      client.scrollTo(refunded);
      client.screenshot("money-client-refunded");
      JsonObject ledger = node.http().get("/api/v1/me/ledger", node.http().logIn(client.username, "password-" + client.username)).json();
      assertThat(ledger.getLong("balance")).isEqualTo(10000 - 2000 + 5000 + 500);
    }
  }

  @Test
  @DisplayName("zh on a phone: the price in Chinese before asking; the client closes the tab while waiting and is neither matched nor"
      + " charged; back, they see why and their full balance; a live request shows on every screen")
  void goneWhileWaiting() {
    Browsers.assumeAvailable();
    String topic = Actors.uniqueTopic();
    try (RunningNode node = RunningNode.start(TestConfig.with(Map.of("matching.clientGoneSeconds", "3", "matching.sweepIntervalMs", "200")));
         Person seeder = Actors.expert(node, topic)) {
      // The expert who made the topic known goes away: nobody can take the request while the client waits.
      seeder.socket().ack("presence.offline", new JsonObject());
      String username;
      try (AppUser client = new AppUser(baseUrl(node), "zh-CN", Browsers.PHONE)) {
        client.signUp("client", "王小明");
        username = client.username;
        client.chooseTopic(topic);
        WebElement quote = client.find("quote");
        client.until("the price is shown in Chinese", () -> quote.getText().contains("价格") && quote.getText().contains("20.00"));
        client.screenshot("money-zh-phone-price");
        client.request(topic, "chat", LAT, LNG, "想咨询一下劳动合同。");
        client.open("/#/account");
        WebElement banner = client.find("live-banner");
        assertThat(banner.getText()).contains("等待中的请求");
        client.screenshot("money-zh-phone-live-banner");
      }
      // The tab is closed: an expert comes online while the client is gone.
      String clientId = Sql.string("SELECT id::text FROM accounts WHERE username = ?", username);
      try (Person expert = Actors.expert(node, topic)) {
        assertThat(expert.socket().staysWithout("offer", Duration.ofSeconds(4))).as("not offered to anyone").isTrue();
      }
      Poll.until("the request is cancelled", Duration.ofSeconds(10), () -> "cancelled".equals(Sql.string(
          "SELECT status FROM requests WHERE client_id = ?::uuid ORDER BY created_at DESC LIMIT 1", clientId)));
      try (AppUser back = new AppUser(baseUrl(node), "zh-CN", Browsers.PHONE)) {
        back.signIn(username, "password-" + username);
        back.until("signed in", () -> back.shows("signout"));
        // Read on screen now: the notice may be drawn again as the live state comes in.
        String notice = back.until("told at once what became of the request", () -> {
          try {
            return back.shows("cancelled-notice") ? back.find("cancelled-notice").getText() : null;
          } catch (org.openqa.selenium.StaleElementReferenceException redrawn) {
            return null;
          }
        });
        assertThat(notice).contains("已取消").contains("未向您收取任何费用");
        back.screenshot("money-zh-phone-cancelled-notice");
        // The banner may be drawn again as the live state comes in: click the one on screen now.
        back.until("dismissed", () -> {
          try {
            back.find("live-dismiss").click();
          } catch (org.openqa.selenium.StaleElementReferenceException redrawn) {
            return false;
          }
          return !back.shows("cancelled-notice");
        });
        String requestId = Sql.string("SELECT id::text FROM requests WHERE client_id = ?::uuid", clientId);
        back.open("/#/waiting/" + requestId);
        WebElement status = back.until("the client learns why", () -> back.find("request-status").getText().contains("未向您收取") ? back.find("request-status") : null);
        assertThat(status.getAttribute("data-reason")).isEqualTo("client_left");
        back.screenshot("money-zh-phone-cancelled-client-left");
        back.open("/#/account");
        back.until("the full balance", () -> back.find("balance").getText().contains("100.00"));
        assertThat(back.shows("live-banner")).as("nothing live any more").isFalse();
        back.screenshot("money-zh-phone-account");
      }
      assertThat(Sql.count("SELECT count(*) FROM ledger_entries WHERE user_id = ?::uuid AND kind <> 'initial'", clientId))
          .as("nothing held, nothing charged").isZero();
    }
  }
}
