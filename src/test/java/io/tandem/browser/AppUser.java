package io.tandem.browser;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One person using the web app in their own Chromium, driven through what they see: the app's
 * {@code data-test} hooks (listed in {@code docs/sdk.md}'s "Testing the app" section), never its
 * internals, except {@code window.tandemApp.call} for a call's statistics. Every wait is bounded.
 */
final class AppUser implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);

  final WebDriver browser;
  final String username = "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final String baseUrl;

  AppUser(String baseUrl, String language, Dimension size) {
    this.baseUrl = baseUrl;
    this.browser = Browsers.open(language, size);
  }

  static By test(String name) {
    return By.cssSelector("[data-test=\"" + name + "\"]");
  }

  void open(String path) {
    browser.get(baseUrl + path);
  }

  WebElement find(String name) {
    return until(name + " is shown", () -> {
      List<WebElement> found = browser.findElements(test(name));
      return found.stream().filter(WebElement::isDisplayed).findFirst().orElse(null);
    });
  }

  boolean shows(String name) {
    return browser.findElements(test(name)).stream().anyMatch(e -> {
      try {
        return e.isDisplayed();
      } catch (StaleElementReferenceException gone) {
        return false;
      }
    });
  }

  /** Waits, at most {@link #WAIT}, until {@code value} gives something other than null or false. */
  <T> T until(String what, java.util.function.Supplier<T> value) {
    try {
      return new WebDriverWait(browser, WAIT).withMessage(what)
          .ignoring(StaleElementReferenceException.class)
          .until(driver -> {
            T result = value.get();
            return Boolean.FALSE.equals(result) ? null : result;
          });
    } catch (org.openqa.selenium.TimeoutException e) {
      // What the person saw when the wait ran out: the screen, and the text on it.
      Browsers.screenshot(browser, "failed-" + username);
      throw new AssertionError(what + ": not so within " + WAIT + "; the page at " + browser.getCurrentUrl() + " says: "
          + browser.findElement(By.tagName("body")).getText().replaceAll("\\s+", " "), e);
    }
  }

  void fill(WebElement form, String name, String text) {
    WebElement field = form.findElement(By.name(name));
    field.clear();
    field.sendKeys(text);
  }

  /** Signs up through the form (the app signs in straight after). */
  void signUp(String role, String displayName) {
    open("/");
    // The app draws one of the two forms once it has started: wait for either, then switch if needed.
    until("a sign-up or sign-in form", () -> shows("signup") || shows("show-signup"));
    if (!shows("signup")) {
      find("show-signup").click();
    }
    WebElement form = find("signup");
    fill(form, "username", username);
    fill(form, "password", "password-" + username);
    fill(form, "displayName", displayName);
    form.findElement(By.cssSelector("input[name=role][value=" + role + "]")).click();
    form.findElement(By.cssSelector("[type=submit]")).click();
    until("signed in", () -> shows("signout"));
  }

  void signIn(String user, String password) {
    open("/");
    until("a sign-in or sign-up form", () -> shows("signin") || shows("show-signin"));
    if (!shows("signin")) {
      find("show-signin").click();
    }
    WebElement form = find("signin");
    fill(form, "username", user);
    fill(form, "password", password);
    form.findElement(By.cssSelector("[type=submit]")).click();
  }

  /** The expert's profile form: topics, modes, where they are, how many at once; waits until it is saved. */
  void saveProfile(String topic, List<String> modes, double lat, double lng) {
    submitProfile(topic, modes, lat, lng);
    // Saved before anything that needs it, so that what follows does not depend on how a click
    // made during the save is handled (FirstConsultationInBrowserTest covers that).
    until("the profile saved", () -> find("profile-status").getAttribute("class").contains("ok"));
  }

  /** The profile form filled in and submitted, without waiting for the save. */
  void submitProfile(String topic, List<String> modes, double lat, double lng) {
    open("/#/profile");
    WebElement form = find("profile");
    fill(form, "topics", topic);
    for (WebElement box : form.findElements(By.name("modes"))) {
      if (box.isSelected() != modes.contains(box.getAttribute("value"))) {
        box.click();
      }
    }
    if (modes.contains("in_person")) {
      enterCoordinates(form, lat, lng);
    }
    fill(form, "capacity", "1");
    fill(form, "bio", "Twelve years of hiring engineers.");
    fill(form, "languages", "en, zh");
    form.findElement(By.cssSelector("[type=submit]")).click();
  }

  /** From now on, this page's requests whose method is {@code method} and whose URL contains {@code path} leave {@code millis} late. */
  void delayRequests(String method, String path, int millis) {
    ((JavascriptExecutor) browser).executeScript("const [method, path, millis] = arguments; const sent = window.fetch;"
        + " window.fetch = (url, init) => (init?.method === method && String(url).includes(path))"
        + " ? new Promise(r => setTimeout(r, millis)).then(() => sent(url, init)) : sent(url, init);", method, path, millis);
  }

  void goOnline() {
    WebElement toggle = find("online-toggle");
    if (!"true".equals(toggle.getAttribute("aria-pressed"))) {
      toggle.click();
    }
    until("online", () -> "true".equals(find("online-toggle").getAttribute("aria-pressed")));
  }

  /** The client's request form, topic picked from the list the server offers. */
  void request(String topic, String mode, double lat, double lng, String brief) {
    request(topic, mode, lat, lng, brief, form -> { });
  }

  /** An in-person request within {@code maxKm}, ticking "switch to video" when {@code fallBackToVideo}. */
  void requestInPerson(String topic, double lat, double lng, double maxKm, boolean fallBackToVideo, String brief) {
    request(topic, "in_person", lat, lng, brief, form -> {
      fill(form, "maxDistanceKm", Double.toString(maxKm));
      WebElement fallback = form.findElement(test("fallback-video"));
      if (fallback.isSelected() != fallBackToVideo) {
        fallback.click();
      }
    });
  }

  /** Opens the request form and picks {@code topic} from the list the server offers; answers the form. */
  WebElement chooseTopic(String topic) {
    open("/#/request");
    WebElement form = find("new-request");
    Select topics = new Select(form.findElement(By.name("topic")));
    until("the topic " + topic + " is offered", () -> topics.getOptions().stream().anyMatch(o -> topic.equals(o.getAttribute("value"))));
    topics.selectByValue(topic);
    return form;
  }

  private void request(String topic, String mode, double lat, double lng, String brief, java.util.function.Consumer<WebElement> more) {
    WebElement form = chooseTopic(topic);
    form.findElement(By.cssSelector("input[name=mode][value=" + mode + "]")).click();
    if (mode.equals("in_person")) {
      enterCoordinates(form, lat, lng);
    }
    fill(form, "brief", brief);
    more.accept(form);
    form.findElement(By.cssSelector("[type=submit]")).click();
    find("waiting");
  }

  /**
   * Where someone meets in person, typed as coordinates: a client's behind "Enter coordinates
   * instead" (the list of districts is the usual way), an expert's exact spot in plain view.
   */
  void enterCoordinates(WebElement form, double lat, double lng) {
    List<WebElement> folded = form.findElements(test("exact-location"));
    if (!folded.isEmpty() && folded.get(0).getAttribute("open") == null) {
      folded.get(0).findElement(test("enter-coordinates")).click();
    }
    fill(form, "lat", Double.toString(lat));
    fill(form, "lng", Double.toString(lng));
  }

  void send(String text) {
    WebElement input = find("chat-input");
    input.sendKeys(text);
    find("chat-send").click();
  }

  /** The chat as shown: seq to text, in the order on screen. */
  List<Map.Entry<Integer, String>> messages() {
    return browser.findElements(test("message")).stream()
        .map(m -> Map.entry(Integer.parseInt(m.getAttribute("data-seq")), m.findElement(test("message-text")).getText()))
        .toList();
  }

  List<Map.Entry<Integer, String>> awaitMessages(int count) {
    return until(count + " messages shown", () -> {
      List<Map.Entry<Integer, String>> shown = messages();
      return shown.size() >= count ? shown : null;
    });
  }

  /** The active call's state from the browser's own statistics (getStats). */
  @SuppressWarnings("unchecked")
  Map<String, Object> callStats() {
    Object stats = ((JavascriptExecutor) browser).executeAsyncScript(String.join("\n",
        "const done = arguments[arguments.length - 1];",
        "const call = window.tandemApp && window.tandemApp.call;",
        "if (!call || !call.pc) { done({state: 'none', framesDecoded: 0, localCandidate: null}); return; }",
        "call.pc.getStats().then(report => {",
        "  let framesDecoded = 0, localCandidate = null;",
        "  report.forEach(r => {",
        "    if (r.type === 'inbound-rtp' && r.kind === 'video') framesDecoded += r.framesDecoded || 0;",
        "    if (r.type === 'transport' && r.selectedCandidatePairId) {",
        "      const pair = report.get(r.selectedCandidatePairId);",
        "      const local = pair && report.get(pair.localCandidateId);",
        "      localCandidate = local ? local.candidateType : null;",
        "    }",
        "  });",
        "  done({state: call.pc.connectionState, framesDecoded, localCandidate});",
        "}, e => done({state: 'error: ' + e, framesDecoded: 0, localCandidate: null}));"));
    return (Map<String, Object>) stats;
  }

  /** Waits for the call to be connected with video frames decoded; returns its statistics. */
  Map<String, Object> awaitCallFlowing() {
    return until("the call is connected and video frames are decoded", () -> {
      Map<String, Object> stats = callStats();
      return "connected".equals(stats.get("state")) && ((Number) stats.get("framesDecoded")).longValue() > 0 ? stats : null;
    });
  }

  void setLocal(String key, String value) {
    ((JavascriptExecutor) browser).executeScript("localStorage.setItem(arguments[0], arguments[1])", key, value);
  }

  /** Scrolls {@code element} to the middle of the viewport, for a screenshot of it. */
  void scrollTo(WebElement element) {
    ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
  }

  void screenshot(String name) {
    Browsers.screenshot(browser, name);
  }

  @Override
  public void close() {
    browser.quit();
  }
}
