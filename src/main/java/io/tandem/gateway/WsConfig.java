package io.tandem.gateway;

import io.tandem.config.ConfigReader;

import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;

/**
 * WebSocket limits (docs/operations.md, "WebSocket limits"). The server pings every
 * {@code pingInterval} and closes a connection from which nothing, not even a pong, has arrived
 * for {@code idleTimeout}; a connection being closed has {@code closeTimeout} to answer the close
 * frame before its TCP connection is dropped. A message, and each of its frames, may hold
 * {@code maxFrameBytes}. Each connection may send {@code framesPerSecond} frames on average with
 * bursts up to {@code frameBurst}. Output waits in the server's own queue up to
 * {@code maxQueuedBytes} (past that the reader is too slow and is closed); ahead of that queue
 * the kernel's send buffer is set to {@code sendBufferBytes} and the server hands the network
 * at most that much more, so a close frame never waits behind more than a few times it.
 * {@code perMessageDeflate} accepts clients' offers to compress frames (off: chat frames are
 * small, and each compressed connection holds a compressor and a decompressor).
 */
public record WsConfig(
    int maxFrameBytes, Duration pingInterval, Duration idleTimeout, Duration closeTimeout, int framesPerSecond, int frameBurst,
    int maxQueuedBytes, int sendBufferBytes, boolean perMessageDeflate, Duration shutdownQuiet) {

  /** The longest a connection whose peer went silent stays open: the idle timeout, then the close handshake it cannot answer. */
  public Duration silentPeerDropped() {
    return idleTimeout.plus(closeTimeout);
  }

  /**
   * These limits on the HTTP server the connections arrive on. Netty's decoder refuses a frame over
   * maxFrameBytes from its header, before reading it, and {@link ChannelGuard} turns that into a
   * close frame 1009; messages of several frames are limited by {@link MessageAssembler}. Outgoing
   * messages larger than this are sent in fragments. The kernel's send buffer is sendBufferBytes for
   * every connection (WebSocket or not), so that a slow reader's output waits where the gateway counts it.
   */
  public HttpServerOptions applyTo(HttpServerOptions options) {
    return options
        .setSendBufferSize(sendBufferBytes)
        .setMaxWebSocketFrameSize(maxFrameBytes)
        .setMaxWebSocketMessageSize(maxFrameBytes)
        .setPerMessageWebSocketCompressionSupported(perMessageDeflate)
        .setPerFrameWebSocketCompressionSupported(perMessageDeflate);
  }

  public static WsConfig from(ConfigReader r) {
    WsConfig ws = new WsConfig(
        r.intBetween("maxFrameBytes", 256, 16 * 1024 * 1024),
        Duration.ofSeconds(r.intBetween("pingIntervalSeconds", 1, 3600)),
        Duration.ofSeconds(r.intBetween("idleTimeoutSeconds", 2, 7200)),
        Duration.ofMillis(r.intBetween("closeTimeoutMs", 100, 60_000)),
        r.intBetween("framesPerSecond", 1, 100_000),
        r.intBetween("frameBurst", 1, 100_000),
        r.intBetween("maxQueuedBytes", 4096, 256 * 1024 * 1024),
        r.intBetween("sendBufferBytes", 4096, 16 * 1024 * 1024),
        r.bool("perMessageDeflate"),
        Duration.ofMillis(r.intBetween("shutdownQuietMs", 0, 10_000)));
    if (ws.pingInterval.compareTo(ws.idleTimeout) >= 0) {
      // A client that only answers pings would be silent for longer than the timeout between two of them.
      throw r.problem("pingIntervalSeconds", "must be less than ws.idleTimeoutSeconds (" + ws.idleTimeout.toSeconds()
          + "), or connections that are idle but healthy are closed; got " + ws.pingInterval.toSeconds());
    }
    return ws;
  }
}
