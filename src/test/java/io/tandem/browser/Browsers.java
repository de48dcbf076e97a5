package io.tandem.browser;

import io.tandem.testing.Scratch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium for the browser tests: the machine's own Chromium and chromedriver (Debian's
 * {@code chromium} and {@code chromium-driver}), never a downloaded browser, with a fake camera and
 * microphone. Where they are missing the test is skipped saying how to install them, unless
 * {@code TANDEM_REQUIRE_BROWSER=true} (set by {@code .ci/run}), which fails it instead.
 */
public final class Browsers {
  /** Phone-sized (iPhone SE) and desktop windows. */
  public static final Dimension PHONE = new Dimension(375, 667);
  public static final Dimension DESKTOP = new Dimension(1280, 900);
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private Browsers() {}

  static String chromium() {
    return System.getenv().getOrDefault("TANDEM_CHROMIUM", "/usr/bin/chromium");
  }

  static String chromedriver() {
    return System.getenv().getOrDefault("TANDEM_CHROMEDRIVER", "/usr/bin/chromedriver");
  }

  /** Skips (or, where a browser is required, fails) the calling test when Chromium or chromedriver is missing. */
  public static void assumeAvailable() {
    boolean present = Files.isExecutable(Path.of(chromium())) && Files.isExecutable(Path.of(chromedriver()));
    String missing = "Chromium or chromedriver is missing (" + chromium() + ", " + chromedriver() + "): install them with"
        + " `apt-get install chromium chromium-driver`, or point TANDEM_CHROMIUM and TANDEM_CHROMEDRIVER at them";
    if (!present && Boolean.parseBoolean(System.getenv("TANDEM_REQUIRE_BROWSER"))) {
      throw new AssertionError(missing + " (TANDEM_REQUIRE_BROWSER is true)");
    }
    Assumptions.assumeTrue(present, missing);
  }

  /** A new browser in its own profile, the UI in {@code language} (e.g. "en-US", "zh-CN"), at {@code size}. */
  public static WebDriver open(String language, Dimension size) {
    assumeAvailable();
    Path profile = Scratch.directory("tandem-chromium");
    ChromeOptions options = new ChromeOptions().setBinary(chromium());
    options.addArguments(List.of(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        // This machine's network is closed: Chromium's own background traffic only fails, noisily.
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--allow-loopback-in-peer-connection",
        "--lang=" + language, "--user-data-dir=" + profile,
        "--window-size=" + size.getWidth() + "," + size.getHeight()));
    options.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages", language));
    if (size.getWidth() < 500) {
      // Headless Chromium's windows are at least 500 px wide: a phone's screen has to be emulated.
      options.setExperimentalOption("mobileEmulation", java.util.Map.of("deviceMetrics",
          java.util.Map.of("width", size.getWidth(), "height", size.getHeight(), "pixelRatio", 1.0, "touch", true)));
    }
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of(chromedriver()).toFile())
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return driver;
  }

  /** Saves what the browser shows to {@code target/screenshots/<name>.png} (not committed) and returns the file. */
  public static Path screenshot(WebDriver driver, String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new IllegalStateException("cannot save a screenshot", e);
    }
  }
}
