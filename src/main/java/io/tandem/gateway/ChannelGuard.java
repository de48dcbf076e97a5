package io.tandem.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Consumer;

/**
 * A Netty handler between the WebSocket frame decoder and Vert.x, for two things a
 * {@link Connection} needs from its channel and Vert.x does not pass on.
 *
 * <p>Frames the decoder refuses: one announcing more than the frame size limit (1009), or one
 * breaking RFC 6455 (1002). The decoder throws, and Vert.x would drop the TCP connection at once:
 * the client would see 1006 and never learn why. The guard passes the decoder's verdict on
 * instead, for the connection to send as a close frame. From then on the decoder ignores its
 * input; the guard has it read and dropped whole, ahead of the decoder, so that a huge frame costs
 * neither memory nor more than a glance of CPU, and a client that writes its whole frame before
 * it reads still finds the close frame.
 *
 * <p>The channel becoming writable again. Vert.x's own write queue counts messages, not bytes, and
 * signals room only once more than 16 are waiting in it; the connection instead writes only while
 * the channel is writable, keeps the rest in a queue of its own that counts bytes, and is told here
 * when to go on.
 */
final class ChannelGuard extends ChannelInboundHandlerAdapter {
  static final String NAME = "tandem-ws-guard";
  private static final String DISCARD = "tandem-ws-discard";

  private final Consumer<CorruptedWebSocketFrameException> onViolation;
  private final Runnable onWritable;
  private boolean violated;

  /** Both run on the channel's event loop; {@code onViolation} at most once, {@code onWritable} after Vert.x has seen the change. */
  ChannelGuard(Consumer<CorruptedWebSocketFrameException> onViolation, Runnable onWritable) {
    this.onViolation = onViolation;
    this.onWritable = onWritable;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof CorruptedWebSocketFrameException violation)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    if (!violated) {
      violated = true;
      ChannelPipeline pipeline = ctx.pipeline();
      ChannelHandlerContext decoder = pipeline.context(WebSocketFrameDecoder.class);
      if (decoder != null) {
        pipeline.addBefore(decoder.name(), DISCARD, new Discard());
      }
      onViolation.accept(violation);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ctx.fireChannelWritabilityChanged(); // Vert.x first: what the connection writes next must find it writable too
    if (ctx.channel().isWritable()) {
      onWritable.run();
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
