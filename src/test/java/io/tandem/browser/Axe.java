package io.tandem.browser;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * axe-core, the accessibility engine, run in the page as it is now: the violations a person using a
 * screen reader, the keyboard or low vision would meet. Its source comes from the test classpath
 * ({@code axe.min.js}), injected into the page when it is not there yet.
 */
final class Axe {
  /** What fails a screen: what blocks or seriously hinders someone (axe's two highest impacts). */
  static final Set<String> FAILING = Set.of("serious", "critical");
  private static final String SOURCE = read("axe.min.js");

  private Axe() {}

  /** The serious and critical violations of the page now, one line each: rule, impact, help, the elements. */
  static List<String> violations(WebDriver browser) {
    JavascriptExecutor js = (JavascriptExecutor) browser;
    if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe !== 'undefined'"))) {
      js.executeScript(SOURCE);
    }
    Object answer = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "axe.run(document, {resultTypes: ['violations']})"
        + ".then(r => done(JSON.stringify(r.violations)))"
        + ".catch(e => done(JSON.stringify({error: String(e)})));");
    String json = String.valueOf(answer);
    if (json.startsWith("{")) {
      throw new IllegalStateException("axe could not run: " + json);
    }
    List<String> failing = new ArrayList<>();
    for (Object item : new JsonArray(json)) {
      JsonObject violation = (JsonObject) item;
      if (!FAILING.contains(violation.getString("impact"))) {
        continue;
      }
      List<String> nodes = new ArrayList<>();
      for (Object node : violation.getJsonArray("nodes")) {
        nodes.add(((JsonObject) node).getJsonArray("target").encode() + " " + ((JsonObject) node).getString("failureSummary", "").replace('\n', ' '));
      }
      failing.add(violation.getString("id") + " (" + violation.getString("impact") + "): " + violation.getString("help") + " " + nodes);
    }
    return failing;
  }

  private static String read(String resource) {
    try (InputStream in = Axe.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the test classpath (com.deque.html.axe-core:selenium)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
