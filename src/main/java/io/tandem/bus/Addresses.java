package io.tandem.bus;

import io.tandem.auth.UserId;

/**
 * Every event-bus address, in one place. Addresses read {@code tandem.<feature>.<name>}; events
 * are named in the past tense.
 */
public final class Addresses {
  private static final String USER_PREFIX = "tandem.user.";

  private Addresses() {}

  /**
   * Everything for one user (offers, chat, signals). Every connection of the user, on every node,
   * consumes it, so a message published here reaches all of their devices.
   */
  public static String user(UserId userId) {
    return USER_PREFIX + userId.value();
  }
}
