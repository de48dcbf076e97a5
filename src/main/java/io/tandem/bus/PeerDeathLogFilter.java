package io.tandem.bus;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Marker;

/**
 * A clustered node's death, said once, not as a flood (conf/logback.xml installs it): Hazelcast
 * logs the member as suspected and removed, which is the message an operator needs. Without this,
 * Vert.x's clustered event bus logs a WARN with a stack trace for every message it still tries to
 * send to the dead member ("Connecting to server … failed", dozens a second under chat), and the
 * socket the member dropped as an ERROR ("Connection reset"), although nothing is wrong with the
 * survivor. The first WARN per dead member in {@link #REPEAT_AFTER_MS} passes; a reset connection
 * is not an error of this node.
 */
public final class PeerDeathLogFilter extends TurboFilter {
  private static final String EVENT_BUS = "io.vertx.core.eventbus.impl.clustered.ClusteredEventBus";
  private static final String CONNECTION_BASE = "io.vertx.core.net.impl.ConnectionBase";
  private static final String CONNECTING = "Connecting to server ";
  /** How long repeats of the same member's failed connection stay quiet. */
  static final long REPEAT_AFTER_MS = 60_000;
  /** Members at most remembered; a cluster has a handful. */
  private static final int REMEMBERED = 1_000;

  private final Map<String, Long> lastSaid = new ConcurrentHashMap<>();

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (format == null || logger == null) {
      return FilterReply.NEUTRAL;
    }
    String name = logger.getName();
    if (EVENT_BUS.equals(name) && format.startsWith(CONNECTING)) {
      long now = System.currentTimeMillis();
      if (lastSaid.size() > REMEMBERED) {
        lastSaid.clear();
      }
      Long before = lastSaid.get(format);
      if (before != null && now - before < REPEAT_AFTER_MS) {
        return FilterReply.DENY;
      }
      lastSaid.put(format, now);
      return FilterReply.NEUTRAL;
    }
    if (CONNECTION_BASE.equals(name) && level == Level.ERROR && resetByPeer(t)) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }

  private static boolean resetByPeer(Throwable t) {
    return t instanceof IOException && t.getMessage() != null && t.getMessage().contains("Connection reset");
  }
}
