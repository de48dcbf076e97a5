package io.tandem.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests {@code java.net.http} refuses to send: a path that is
 * not a valid URI ({@code %ZZ}), header values that are not ASCII. One request per connection.
 */
final class RawHttp {
  private RawHttp() {}

  static HttpContractProperties.Answer send(int port, String method, String path, String authorization, Map<String, String> headers, String body) {
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port)
        .append("\r\nConnection: close\r\n");
    if (authorization != null) {
      head.append("Authorization: ").append(authorization).append("\r\n");
    }
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    if (body != null) {
      head.append("Content-Type: application/json\r\nContent-Length: ").append(content.length).append("\r\n");
    }
    head.append("\r\n");
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.UTF_8));
      out.write(content);
      out.flush();
      return parse(socket.getInputStream().readAllBytes());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " over a raw socket failed: " + e, e);
    }
  }

  private static HttpContractProperties.Answer parse(byte[] response) {
    String text = new String(response, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new AssertionError("not an HTTP response: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
    }
    byte[] rest = java.util.Arrays.copyOfRange(response, end + 4, response.length);
    boolean chunked = headers.entrySet().stream().anyMatch(e -> e.getKey().equalsIgnoreCase("Transfer-Encoding") && e.getValue().contains("chunked"));
    return new HttpContractProperties.Answer(status, headers, new String(chunked ? dechunk(rest) : rest, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (at < body.length) {
      int lineEnd = indexOf(body, at);
      int size = Integer.parseInt(new String(body, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      out.write(body, lineEnd + 2, size);
      at = lineEnd + 2 + size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] body, int from) {
    for (int i = from; i < body.length - 1; i++) {
      if (body[i] == '\r' && body[i + 1] == '\n') {
        return i;
      }
    }
    throw new AssertionError("a chunk without its size line");
  }

}
