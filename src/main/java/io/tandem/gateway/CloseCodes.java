package io.tandem.gateway;

/** The WebSocket close codes (RFC 6455, section 7.4.1) and reasons the server closes connections with. */
final class CloseCodes {
  private CloseCodes() {}

  /** A connection that stopped answering pings, or a server shutting down. */
  static final short GOING_AWAY = 1001;
  /** Frames out of the order RFC 6455 allows. */
  static final short PROTOCOL_ERROR = 1002;
  /** A text message that is not UTF-8. */
  static final short INVALID_PAYLOAD = 1007;
  /** A message, or a frame, over ws.maxFrameBytes. */
  static final short MESSAGE_TOO_BIG = 1009;
  /** A reader too slow to keep up (its output queue passed ws.maxQueuedBytes), or a connection not recorded. */
  static final short TRY_AGAIN_LATER = 1013;

  /** The close reason of a shutdown, for clients and people reading their logs. */
  static final String SHUTTING_DOWN = "server shutting down: reconnect";
  static final String NOT_RECORDED = "connection not recorded: reconnect";
}
