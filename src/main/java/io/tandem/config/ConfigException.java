package io.tandem.config;

/** An invalid configuration value; the message names the key and says what is wrong, and start-up stops. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
