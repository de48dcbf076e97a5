package io.tandem.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A WebSocket client written byte by byte, for what a well-behaved client library will not do:
 * send invalid UTF-8, announce a frame larger than it sends, fragment at will, never answer a ping,
 * leave its receive buffer full. Client frames are masked with the key 0, so payload bytes go out as given.
 * Every read is bounded by a socket timeout.
 */
public final class RawWebSocket implements AutoCloseable {
  public static final int CONTINUATION = 0x0;
  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;

  /** One frame from the server; {@link #closeCode()} reads a close frame's code (1005 when it carries none). */
  public record Frame(int opcode, boolean fin, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects and completes the handshake; fails unless the server answers 101. */
  public static RawWebSocket connect(int port, String accessToken) {
    return connect(port, accessToken, 0);
  }

  /** As {@link #connect(int, String)}, with this receive buffer (0: the system's) set before connecting. */
  public static RawWebSocket connect(int port, String accessToken, int receiveBufferBytes) {
    try {
      Socket socket = new Socket();
      if (receiveBufferBytes > 0) {
        socket.setReceiveBufferSize(receiveBufferBytes);
      }
      socket.setSoTimeout((int) TestSocket.WAIT.toMillis());
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TestSocket.WAIT.toMillis());
      RawWebSocket ws = new RawWebSocket(socket);
      String request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Authorization: Bearer " + accessToken + "\r\n\r\n";
      ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
      ws.out.flush();
      String head = ws.readHead();
      if (!head.startsWith("HTTP/1.1 101")) {
        socket.close();
        throw new AssertionError("the upgrade was refused: " + head);
      }
      return ws;
    } catch (IOException e) {
      throw new AssertionError("could not connect: " + e, e);
    }
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the connection ended inside the handshake response: " + head);
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * Sends a {@code ping} frame and reads until its ack: once answered, the server's connection has
   * started, so events published for this user from now on reach it.
   */
  public void awaitStarted() {
    sendText("{\"type\":\"ping\",\"cid\":\"started\"}".getBytes(StandardCharsets.UTF_8), true);
    Frame frame;
    while ((frame = readFrame()) != null) {
      if (frame.opcode() == TEXT && new String(frame.payload(), StandardCharsets.UTF_8).contains("\"started\"")) {
        return;
      }
    }
    throw new AssertionError("the connection ended before answering a ping");
  }

  public void sendText(byte[] utf8, boolean fin) {
    sendFrame(TEXT, fin, utf8);
  }

  public void sendFrame(int opcode, boolean fin, byte[] payload) {
    sendHeader(opcode, fin, payload.length);
    sendPayload(payload);
  }

  /** The header of a frame of {@code length} bytes; its payload follows with {@link #sendPayload}, or never. */
  public void sendHeader(int opcode, boolean fin, long length) {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    header.write((fin ? 0x80 : 0) | opcode);
    if (length < 126) {
      header.write(0x80 | (int) length);
    } else if (length <= 0xffff) {
      header.write(0x80 | 126);
      header.write((int) (length >>> 8) & 0xff);
      header.write((int) length & 0xff);
    } else {
      header.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        header.write((int) (length >>> shift) & 0xff);
      }
    }
    header.writeBytes(new byte[4]); // the masking key 0: payload bytes are sent as they are
    sendPayload(header.toByteArray());
  }

  /** Raw bytes; false when the server has closed the connection meanwhile. */
  public boolean sendPayload(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The next frame, or null when the connection ended (or reading failed) before one was complete. */
  public Frame readFrame() {
    try {
      int first = in.read();
      if (first < 0) {
        return null;
      }
      int second = in.readUnsignedByte();
      long length = second & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] payload = new byte[Math.toIntExact(length)];
      in.readFully(payload);
      return new Frame(first & 0x0f, (first & 0x80) != 0, payload);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame within " + TestSocket.WAIT, e);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Reads, without answering pings, until a close frame or the end of the connection; the close
   * code, or -1 when the connection ended without one.
   */
  public int awaitClose() {
    while (true) {
      Frame frame = readFrame();
      if (frame == null) {
        return -1;
      }
      if (frame.opcode() == CLOSE) {
        return frame.closeCode();
      }
    }
  }

  /** True once the server has closed the TCP connection (read returns end of stream), waiting at most {@code bound}. */
  public boolean awaitEnd(Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        try {
          if (in.read() < 0) {
            return true;
          }
        } catch (SocketTimeoutException e) {
          return false;
        }
      }
      return false;
    } catch (IOException e) {
      return true; // reset by the server: ended too
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing is best effort at the end of a test
    }
  }
}
