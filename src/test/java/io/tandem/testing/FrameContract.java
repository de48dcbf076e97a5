package io.tandem.testing;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds WebSocket frames to the AsyncAPI document: a server event to the message of its
 * {@code type}, an {@code ack} to the generic ack and to the ack of the frame it answers, an
 * {@code error} to the error message, and a client frame to its message. A type the document does
 * not describe is a violation too: the contract grows by documenting new messages.
 */
public final class FrameContract {
  /** Events a test publishes itself on a user's address ({@code test.flood}): not the server's, so not the contract's. */
  public static final String TEST_EVENTS = "test.";

  private FrameContract() {}

  private static String messagePayload(String key) {
    return Contract.pointer("components", "messages", key, "payload");
  }

  /** Whether the document has a client frame of this type. */
  public static boolean describesFrame(String type) {
    return !Contract.asyncApi().document().at(Contract.pointer("components", "messages", "frame." + type)).isMissingNode();
  }

  /** What is wrong with a frame the server sent; {@code answering}: the type of the client frame an ack answers, or null. */
  public static List<String> received(JsonObject frame, String answering) {
    String type = frame.getValue("type") instanceof String t ? t : null;
    if (type == null) {
      return List.of("a frame without a string type: " + frame.encode());
    }
    if (type.startsWith(TEST_EVENTS)) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    switch (type) {
      case "ack" -> {
        check(problems, "ack", frame);
        if (answering != null) {
          check(problems, "ack." + answering, frame);
        }
      }
      case "error" -> check(problems, "error", frame);
      default -> check(problems, "event." + type, frame);
    }
    return problems;
  }

  /** What is wrong with a client frame (one the server accepted: it is judged by the document, not by the server's leniency). */
  public static List<String> sent(JsonObject frame) {
    String type = frame.getString("type");
    List<String> problems = new ArrayList<>();
    check(problems, "frame." + type, frame);
    return problems;
  }

  private static String shown(JsonObject frame) {
    String text = frame.encode();
    return text.length() > 400 ? text.substring(0, 400) + "… (" + text.length() + " chars)" : text;
  }

  private static void check(List<String> problems, String message, JsonObject frame) {
    Contract contract = Contract.asyncApi();
    String pointer = messagePayload(message);
    if (contract.document().at(pointer).isMissingNode()) {
      problems.add("the AsyncAPI document has no message " + message + " for " + shown(frame));
      return;
    }
    contract.violations(pointer, frame.encode()).forEach(v -> problems.add(message + ": " + v + " in " + shown(frame)));
  }
}
