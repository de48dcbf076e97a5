package io.tandem.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.RunningNode;
import io.tandem.testing.TestConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebDriver;

class BrowserSmokeTest {
  @Test
  @DisplayName("the app's page opens in Chromium")
  void opens() {
    Browsers.assumeAvailable();
    try (RunningNode node = RunningNode.start(TestConfig.defaults())) {
      WebDriver browser = Browsers.open("en-US", Browsers.DESKTOP);
      try {
        browser.get("http://localhost:" + node.node().httpPort() + "/");
        assertThat(browser.getTitle()).isEqualTo("Tandem");
        Browsers.screenshot(browser, "smoke");
      } finally {
        browser.quit();
      }
    }
  }
}
