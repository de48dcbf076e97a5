package io.tandem.bus;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * A Vert.x context that owns some state (a connection's, the chat store's lanes), and the one
 * place that moves work onto one: everything else runs where Vert.x calls it, and a future's
 * result comes back on the context that asked. {@code ArchitectureTest} holds every other class
 * to that.
 */
public final class EventLoop {
  /** Null when made off any context (a plain thread): work then runs where it is asked. */
  private final Context context;

  private EventLoop(Context context) {
    this.context = context;
  }

  /** The context running now, or a new one when called off any. */
  public static EventLoop current(Vertx vertx) {
    return new EventLoop(vertx.getOrCreateContext());
  }

  /** The context of whoever is calling, to hand them an answer back on it; none when called off any. */
  public static EventLoop ofCaller() {
    return new EventLoop(Vertx.currentContext());
  }

  /** Runs {@code action} on this context: at once when already on it, else next in its queue. */
  public void run(Runnable action) {
    if (context == null || Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /** Queues {@code action} on this context even when already on it: after what runs now, so that more work can gather first. */
  public void later(Runnable action) {
    if (context == null) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
