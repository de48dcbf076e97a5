package io.tandem.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestConfig;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * Issue 22: the whole consultation with the keyboard alone, as someone who cannot use a mouse does
 * it: every control reached with Tab, used with Enter, Space, arrows and typing, and where the focus
 * is always visible. No click, no script filling a field.
 */
class KeyboardOnlyInBrowserTest {
  private static final String TOPIC = "career.interview";
  /** How many Tabs a control may be away: enough for the longest page, few enough to fail fast on an unreachable one. */
  private static final int MAX_TABS = 80;

  private static String baseUrl(RunningNode node) {
    return "http://localhost:" + node.node().httpPort();
  }

  private static void keys(AppUser user, CharSequence... keys) {
    new Actions(user.browser).sendKeys(keys).perform();
  }

  private static WebElement focused(AppUser user) {
    return user.browser.switchTo().activeElement();
  }

  /** Presses Tab until the focused control is {@code wanted}, and checks the focus can be seen there. */
  private static WebElement tabTo(AppUser user, String what, Predicate<WebElement> wanted) {
    for (int i = 0; i < MAX_TABS; i++) {
      WebElement now = focused(user);
      if (wanted.test(now)) {
        assertThat(focusVisible(user)).as("the focus on %s can be seen", what).isTrue();
        return now;
      }
      keys(user, Keys.TAB);
    }
    throw new AssertionError(what + " is not reached with Tab within " + MAX_TABS + " presses");
  }

  /** An outline or a ring (box-shadow) on the focused control, or on the label around a native radio or checkbox. */
  private static boolean focusVisible(AppUser user) {
    return Boolean.TRUE.equals(((JavascriptExecutor) user.browser).executeScript(
        "const el = document.activeElement;"
            + "const shows = node => { const s = getComputedStyle(node); return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)"
            + " || s.boxShadow !== 'none'; };"
            + "return shows(el) || (el.closest('label') !== null && shows(el.closest('label')));"));
  }

  private static Predicate<WebElement> named(String name) {
    return element -> name.equals(element.getAttribute("name"));
  }

  private static Predicate<WebElement> test(String name) {
    return element -> name.equals(element.getAttribute("data-test"));
  }

  private static Predicate<WebElement> submitOf(String form) {
    return element -> "submit".equals(element.getAttribute("type"))
        && element.findElements(org.openqa.selenium.By.xpath("ancestor::form[@data-test='" + form + "']")).size() == 1;
  }

  private static void signUp(AppUser user, String role, String name) {
    user.open("/#/signup");
    user.find("signup");
    tabTo(user, "the role", named("role"));
    if (role.equals("expert")) {
      keys(user, Keys.ARROW_RIGHT); // the second choice of the radio group
    }
    tabTo(user, "the display name", named("displayName"));
    keys(user, name);
    tabTo(user, "the username", named("username"));
    keys(user, user.username);
    tabTo(user, "the password", named("password"));
    keys(user, "password-" + user.username);
    tabTo(user, "sign up", submitOf("signup"));
    keys(user, Keys.ENTER);
    user.until("signed in", () -> user.shows("signout"));
  }

  @Test
  @DisplayName("an expert and a client, keyboard only: sign up, profile, online, ask, accept, chat, end, rate")
  void wholeConsultation() {
    Browsers.assumeAvailable();
    try (RunningNode node = RunningNode.start(TestConfig.with(Map.of("topics.listedOnly", "true")));
         AppUser expert = new AppUser(baseUrl(node), "en-US", Browsers.DESKTOP);
         AppUser client = new AppUser(baseUrl(node), "en-US", Browsers.DESKTOP)) {
      signUp(expert, "expert", "Mei Chen");
      expert.open("/#/profile");
      expert.find("profile");
      tabTo(expert, "the topic search", named("topicSearch"));
      keys(expert, "job interview");
      tabTo(expert, "job interviews", element -> TOPIC.equals(element.getAttribute("value")));
      keys(expert, Keys.SPACE);
      tabTo(expert, "chat", element -> "chat".equals(element.getAttribute("value")) && "modes".equals(element.getAttribute("name")));
      keys(expert, Keys.SPACE);
      tabTo(expert, "save", submitOf("profile"));
      keys(expert, Keys.ENTER);
      expert.until("saved", () -> expert.find("profile-status").getAttribute("class").contains("ok"));
      tabTo(expert, "go online", test("online-toggle"));
      keys(expert, Keys.ENTER);
      expert.until("online", () -> "true".equals(expert.find("online-toggle").getAttribute("aria-pressed")));

      signUp(client, "client", "Alex Kim");
      client.open("/#/request");
      client.find("new-request");
      tabTo(client, "the topic search", named("topicSearch"));
      keys(client, "job interview");
      // Other tests' topics share this database: the list is walked with the arrows to the one wanted.
      WebElement topics = tabTo(client, "the topic list", named("topic"));
      for (int i = 0; i < 10 && !TOPIC.equals(topics.getAttribute("value")); i++) {
        keys(client, Keys.ARROW_DOWN);
      }
      assertThat(topics.getAttribute("value")).isEqualTo(TOPIC);
      client.until("its price", () -> client.find("quote").isDisplayed());
      tabTo(client, "the brief", named("brief"));
      keys(client, "Salary questions at the final round.");
      tabTo(client, "ask", submitOf("new-request"));
      keys(client, Keys.ENTER);
      client.find("waiting");

      expert.find("offer");
      // An offer takes the focus when it arrives: Enter accepts it.
      assertThat(focused(expert).getAttribute("data-test")).isEqualTo("offer-accept");
      assertThat(focusVisible(expert)).isTrue();
      keys(expert, Keys.ENTER);
      expert.find("room");
      client.find("room");
      client.until("active", () -> "active".equals(client.find("session-status").getAttribute("data-status")));

      tabTo(client, "the chat box", test("chat-input"));
      keys(client, "Hello, typed without a mouse", Keys.ENTER);
      expert.until("the message arrives", () -> expert.find("messages").getText().contains("Hello, typed without a mouse"));
      tabTo(expert, "the chat box", test("chat-input"));
      keys(expert, "Welcome; tell me about the role", Keys.ENTER);
      client.until("the answer arrives", () -> client.find("messages").getText().contains("Welcome; tell me about the role"));

      tabTo(client, "end the session", test("end-session"));
      keys(client, Keys.ENTER);
      // The question takes the focus on its confirm button.
      client.until("asked to confirm", () -> "end-session-confirm".equals(focused(client).getAttribute("data-test")));
      keys(client, Keys.ENTER);
      client.find("rate");
      tabTo(client, "the fourth star", element -> "star".equals(element.getAttribute("data-test")) && "4".equals(element.getAttribute("data-value")));
      keys(client, Keys.ENTER);
      tabTo(client, "send the rating", test("rate-submit"));
      keys(client, Keys.ENTER);
      client.find("rated");
      client.screenshot("keyboard-rated");
      assertThat(Sql.count("SELECT count(*) FROM ratings r JOIN accounts a ON a.id = r.rater_id WHERE a.username = ? AND r.stars = 4",
          client.username)).isEqualTo(1);
    }
  }
}
