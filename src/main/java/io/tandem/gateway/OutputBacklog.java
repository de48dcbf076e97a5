package io.tandem.gateway;

import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Output a socket could not take yet, oldest first, counted in UTF-8 bytes: what
 * {@code ws.maxQueuedBytes} bounds. Not thread-safe: its connection's event loop only.
 */
final class OutputBacklog {
  private final ArrayDeque<Pending> frames = new ArrayDeque<>();
  private long bytes;

  /** A frame waiting, with its size in UTF-8. */
  private record Pending(String text, int bytes) {}

  boolean isEmpty() {
    return frames.isEmpty();
  }

  /** Queues {@code text}; the bytes now waiting. */
  long add(String text) {
    Pending pending = new Pending(text, utf8Length(text));
    frames.add(pending);
    bytes += pending.bytes();
    return bytes;
  }

  /** Hands {@code socket} the oldest frames while {@code writable} says it takes them. */
  void drainTo(Consumer<String> socket, BooleanSupplier writable) {
    while (!frames.isEmpty() && writable.getAsBoolean()) {
      Pending pending = frames.poll();
      bytes -= pending.bytes();
      socket.accept(pending.text());
    }
  }

  void drop() {
    frames.clear();
    bytes = 0;
  }

  /** Bytes of {@code text} in UTF-8, counted without encoding it. */
  static int utf8Length(String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
