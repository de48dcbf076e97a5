package io.tandem.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrameType;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Puts one connection's data frames back together into messages (RFC 6455 section 5.4) and judges
 * each message as it grows, so that nothing past the limit is ever held: a message is refused at
 * the frame that takes it over {@code maxBytes}, and what it had is dropped. A text message must be
 * UTF-8 (section 8.1); a character may be split between two frames, so the text is judged whole. A
 * binary message is counted but not kept: the protocol has no use for its content.
 *
 * <p>Vert.x's own {@code textMessageHandler} does none of this: it decodes invalid UTF-8 to U+FFFD,
 * and a message over its limit is dropped with an exception but the connection stays open.
 * One instance per connection, used on its event loop only.
 */
final class MessageAssembler {
  enum Verdict {
    /** More frames of this message are to come. */
    INCOMPLETE,
    /** A whole text message, valid UTF-8: {@link Outcome#text()}. */
    TEXT,
    /** A whole binary message, not kept. */
    BINARY,
    /** The message, or one frame of it, passed {@code maxBytes}: close with 1009. */
    TOO_BIG,
    /** A text message that is not UTF-8: close with 1007. */
    NOT_UTF8,
    /** A continuation without a message, or a new message inside one: close with 1002. */
    OUT_OF_SEQUENCE
  }

  record Outcome(Verdict verdict, String text) {
    private static final Outcome INCOMPLETE = new Outcome(Verdict.INCOMPLETE, null);
    private static final Outcome BINARY = new Outcome(Verdict.BINARY, null);
    private static final Outcome TOO_BIG = new Outcome(Verdict.TOO_BIG, null);
    private static final Outcome NOT_UTF8 = new Outcome(Verdict.NOT_UTF8, null);
    private static final Outcome OUT_OF_SEQUENCE = new Outcome(Verdict.OUT_OF_SEQUENCE, null);
  }

  private final int maxBytes;
  private boolean inMessage;
  private boolean binary;
  private long size;
  /** The fragments of a text message under way; null for a message of one frame, which is decoded where it lies. */
  private Buffer fragments;

  MessageAssembler(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Takes the next data frame (text, binary or continuation) of the connection. */
  Outcome add(WebSocketFrameType type, Buffer payload, boolean fin) {
    switch (type) {
      case TEXT, BINARY -> {
        if (inMessage) {
          return drop(Outcome.OUT_OF_SEQUENCE);
        }
        inMessage = true;
        binary = type == WebSocketFrameType.BINARY;
        size = 0;
      }
      case CONTINUATION -> {
        if (!inMessage) {
          return drop(Outcome.OUT_OF_SEQUENCE);
        }
      }
      default -> throw new IllegalArgumentException("not a data frame: " + type);
    }
    size += payload.length();
    if (size > maxBytes) {
      return drop(Outcome.TOO_BIG);
    }
    if (!fin) {
      if (!binary) {
        fragments = fragments == null ? payload.copy() : fragments.appendBuffer(payload);
      }
      return Outcome.INCOMPLETE;
    }
    inMessage = false;
    if (binary) {
      return Outcome.BINARY;
    }
    Buffer whole = fragments == null ? payload : fragments.appendBuffer(payload);
    fragments = null;
    String text = decode(whole);
    return text == null ? Outcome.NOT_UTF8 : new Outcome(Verdict.TEXT, text);
  }

  private Outcome drop(Outcome outcome) {
    inMessage = false;
    fragments = null;
    return outcome;
  }

  /** The text, or null when the bytes are not UTF-8 (overlong forms and encoded surrogates included). */
  private static String decode(Buffer utf8) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8.getBytes()))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
