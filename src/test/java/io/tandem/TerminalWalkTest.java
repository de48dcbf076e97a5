package io.tandem;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.Actors;
import io.tandem.testing.JavaProcess;
import io.tandem.testing.JavaProcess.Finished;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use it from a terminal": {@code java docs/walk/Walk.java}, run by the JDK's source
 * launcher as a reader runs it, an expert in one process and a client in another, against a node.
 */
class TerminalWalkTest {
  private static final Path WALK = Path.of("docs", "walk", "Walk.java");
  /** Starting a JVM and compiling the walk takes seconds on a busy machine; a consultation, a few more. */
  private static final Duration BOUND = Duration.ofSeconds(90);
  private static RunningNode node;

  @BeforeAll
  static void start() {
    node = RunningNode.start(TestConfig.defaults());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JavaProcess walk(String... args) {
    List<String> command = new ArrayList<>(List.of(WALK.toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--server", "http://localhost:" + node.node().httpPort(), "--wait", "30"));
    return JavaProcess.start(Path.of("").toAbsolutePath(), Map.of(), command);
  }

  private static String unique(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  @DisplayName("an expert and a client walk from the terminal to a consultation: offer, accept, a line each way, ended and paid")
  void aConsultationFromTwoTerminals() {
    String topic = Actors.uniqueTopic();
    String mei = unique("mei");
    String sam = unique("sam");
    try (JavaProcess expert = walk("expert", mei, "correct-horse", "--name", "Mei Chen", "--topics", topic);
         JavaProcess client = startWhenOnline(expert, sam, topic)) {
      Finished asked = client.awaitExit(BOUND);
      Finished served = expert.awaitExit(BOUND);

      assertThat(asked.status()).as("the client's exit status\n%s\n%s", asked.out(), asked.err()).isZero();
      assertThat(served.status()).as("the expert's exit status\n%s\n%s", served.out(), served.err()).isZero();
      assertThat(asked.err()).isEmpty();
      assertThat(served.err()).isEmpty();
      assertThat(served.out()).contains(
          "signed up: " + mei + " (expert, Mei Chen)",
          "profile: " + topic + "; chat, video",
          "online: waiting for an offer",
          "offer: " + topic + " (chat) from Sam: \"How do I negotiate?\"; you earn CNY 18.00",
          "accepted: session ",
          "in the room with Sam",
          "Sam: How do I negotiate?",
          "you: Hello Sam, happy to help.",
          "ended: completed after ",
          "; you earned CNY 18.00",
          "offline");
      assertThat(asked.out()).contains(
          "signed up: " + sam + " (client, Sam)",
          "price: chat on " + topic + " costs CNY 20.00 for up to 120 minutes; your balance is CNY 100.00",
          "asked: request ",
          "session ready: ",
          "with Mei Chen",
          "you: How do I negotiate?",
          "Mei Chen: Hello Sam, happy to help.",
          "ended: completed after ",
          "; you paid CNY 20.00; your balance is CNY 80.00");

      // What the walks printed is what the server holds.
      Matcher accepted = Pattern.compile("accepted: session (\\S+)").matcher(served.out());
      assertThat(accepted.find()).isTrue();
      String token = node.http().logIn(sam, "battery-staple");
      JsonObject session = node.http().get("/api/v1/sessions/" + accepted.group(1), token).json();
      assertThat(session.getString("status")).isEqualTo("completed");
      assertThat(session.getJsonObject("payment").getLong("charged")).isEqualTo(2000);
      assertThat(node.http().get("/api/v1/sessions/" + accepted.group(1) + "/messages", token).json().getJsonArray("messages"))
          .hasSize(2);
    }
  }

  private static JavaProcess startWhenOnline(JavaProcess expert, String sam, String topic) {
    Poll.until("the expert's walk says it is online", BOUND, () -> {
      if (expert.out().contains("online: waiting for an offer")) {
        return true;
      }
      if (!expert.err().isEmpty()) {
        throw new AssertionError("the expert's walk failed:\n" + expert.out() + expert.err());
      }
      return false;
    });
    return walk("client", sam, "battery-staple", topic, "How do I negotiate?", "--name", "Sam");
  }

  @Test
  @DisplayName("a refusal from the server ends the walk with one line, its code and message, exit status 1 and no stack trace")
  void aRefusalIsOneReadableLine() {
    try (JavaProcess client = walk("client", unique("sam"), "battery-staple", "Not-A-Topic", "Anyone?")) {
      Finished refused = client.awaitExit(BOUND);

      assertThat(refused.status()).isEqualTo(1);
      assertThat(refused.err().lines()).singleElement().asString().startsWith("walk: the price of Not-A-Topic: bad_request: ");
    }
  }
}
