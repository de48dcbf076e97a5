package io.tandem.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the gateway reaches under Vert.x's public API, into the socket's Netty
 * channel, for three things a {@link Connection} needs and Vert.x 5 does not offer;
 * {@code ArchitectureTest} keeps every other class on the public API. Everything else a connection
 * does (flow control through {@code writeQueueFull} and the drain handler, the kernel's send
 * buffer through {@code HttpServerOptions.setSendBufferSize}) is public API.
 *
 * <p>Frames the decoder refuses: one announcing more than the frame size limit (1009), or one
 * breaking RFC 6455 (1002). Vert.x builds the decoder with {@code closeOnProtocolViolation(false)}
 * and closes the channel at once on its exception, before anything written then is flushed: the
 * client would see 1006 and never learn why. The guard catches the decoder's verdict first and
 * passes it on, for the connection to send as a close frame. From then on the decoder ignores its
 * input; the guard has it read and dropped whole, ahead of the decoder, so that a huge frame costs
 * neither memory nor more than a glance of CPU, and a client that writes its whole frame before it
 * reads still finds the close frame (closing with unread input would reset the connection, and the
 * reset can overtake the close frame).
 *
 * <p>Dropping the TCP connection a given time after a close frame. Vert.x's closing timeout is
 * whole seconds and starts only once the close frame has been written, so a peer that does not
 * read would hold the connection for ever.
 *
 * <p>One flush per event-loop turn. Vert.x flushes every frame written outside a read at once, a
 * system call each; a chat message sends its sender an {@code ack} and a {@code room.message} in
 * the same turn. Netty's {@code FlushConsolidationHandler} defers such flushes to the end of the
 * turn (and flushes at once after 256 writes). Measured (ChatThroughputSimulation, 1,000 rooms):
 * 9% less server CPU per message at 3,000/s, 3% more achieved at 8,000/s offered.
 *
 * <p>Where the channel cannot be reached (a Vert.x whose internals changed), {@link #fit} warns
 * once and returns a guard that does none of it: refused frames end the connection with 1006,
 * closes wait for Vert.x's closing timeout, and every frame is flushed alone. {@code GatewayTest} fails then.
 */
final class ChannelGuard {
  private static final String NAME = "tandem-ws-guard";
  private static final String DISCARD = "tandem-ws-discard";
  private static final String FLUSHES = "tandem-ws-flushes";

  private static final Logger log = LoggerFactory.getLogger(ChannelGuard.class);
  private static final AtomicBoolean warned = new AtomicBoolean();

  /** A frame the decoder refused: the close code it calls for, and the decoder's words, for the log. */
  record Refusal(short code, String detail) {}

  private final ChannelHandlerContext vertxHandler;

  private ChannelGuard(ChannelHandlerContext vertxHandler) {
    this.vertxHandler = vertxHandler;
  }

  /** Whether this guard reached the channel; false where Vert.x's internals have changed. */
  boolean fitted() {
    return vertxHandler != null;
  }

  /**
   * Fits a guard to the socket's channel, and the flush consolidation. {@code onRefused} runs at
   * most once, on the channel's event loop, when the decoder refuses a frame.
   */
  static ChannelGuard fit(ServerWebSocket socket, Consumer<Refusal> onRefused) {
    if (!(socket instanceof WebSocketInternal internal)) {
      if (!warned.getAndSet(true)) {
        log.warn("this Vert.x gives no access to a WebSocket's channel: frames over ws.maxFrameBytes will end"
            + " connections without a close frame, and ws.closeTimeoutMs will not be kept");
      }
      return new ChannelGuard(null);
    }
    ChannelHandlerContext vertxHandler = internal.channelHandlerContext();
    vertxHandler.pipeline().addBefore(vertxHandler.name(), NAME, new Refusals(onRefused));
    vertxHandler.pipeline().addFirst(FLUSHES, new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    return new ChannelGuard(vertxHandler);
  }

  /** Drops the TCP connection now, whatever is still waiting to be written. */
  void drop() {
    if (vertxHandler != null) {
      vertxHandler.close();
    }
  }

  /** Sits between the decoder and Vert.x and takes the decoder's exceptions before Vert.x does. */
  private static final class Refusals extends ChannelInboundHandlerAdapter {
    private final Consumer<Refusal> onRefused;
    private boolean refused;

    Refusals(Consumer<Refusal> onRefused) {
      this.onRefused = onRefused;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!(cause instanceof CorruptedWebSocketFrameException violation)) {
        ctx.fireExceptionCaught(cause);
        return;
      }
      if (!refused) {
        refused = true;
        ChannelPipeline pipeline = ctx.pipeline();
        ChannelHandlerContext decoder = pipeline.context(WebSocketFrameDecoder.class);
        if (decoder != null) {
          pipeline.addBefore(decoder.name(), DISCARD, new Discard());
        }
        onRefused.accept(new Refusal((short) violation.closeStatus().code(), violation.getMessage()));
      }
    }
  }

  /** Reads and drops everything: the decoder has given up on the stream, and nothing in it will be answered. */
  private static final class Discard extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }
  }
}
