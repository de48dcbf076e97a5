package io.tandem.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.RunningNode;
import io.tandem.testing.TestConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The SDK's tokens in a real browser: what keeps a page signed in over hours of access tokens that live minutes. */
class TokenRefreshInBrowserTest {
  @Test
  @DisplayName("a short-lived access token is refreshed before it runs out: the page stays signed in, and its calls with the new token and its socket go on")
  void refreshedAhead() {
    Browsers.assumeAvailable();
    // 30 s tokens (the shortest auth.accessTokenSeconds takes); the SDK refreshes a fifth of a token's life ahead.
    try (RunningNode node = RunningNode.start(TestConfig.with(Map.of("auth.accessTokenSeconds", "30")));
         AppUser client = new AppUser("http://localhost:" + node.node().httpPort(), "en-US", Browsers.DESKTOP)) {
      client.signUp("client", "Ada Lin");
      JavascriptExecutor page = (JavascriptExecutor) client.browser;
      String token = "return window.tandemApp.tandem._tokens && window.tandemApp.tandem._tokens.accessToken";
      String first = (String) page.executeScript(token);
      assertThat(first).isNotBlank();

      new WebDriverWait(client.browser, Duration.ofSeconds(45)).withMessage("the access token refreshed before it ran out")
          .until(driver -> {
            Object now = page.executeScript(token);
            return now != null && !first.equals(now);
          });
      Object me = page.executeAsyncScript("const done = arguments[arguments.length - 1];"
          + " window.tandemApp.tandem.me().then(user => done(user.id), error => done('error: ' + error.code))");
      assertThat(String.valueOf(me)).as("an authenticated call with the new token").doesNotStartWith("error");
      assertThat(page.executeScript("return window.tandemApp.tandem.connection")).as("the socket").isEqualTo("open");
      assertThat(client.shows("signout")).as("still signed in").isTrue();
    }
  }
}
