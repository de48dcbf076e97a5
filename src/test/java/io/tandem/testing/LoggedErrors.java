package io.tandem.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/** Every ERROR logged anywhere in this JVM while attached: an ERROR is a bug, so tests can demand none. */
public final class LoggedErrors extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
  private final Logger root;

  private LoggedErrors(Logger root) {
    this.root = root;
  }

  public static LoggedErrors attach() {
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    LoggedErrors errors = new LoggedErrors(logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME));
    errors.setContext(logging);
    errors.start();
    errors.root.addAppender(errors);
    return errors;
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
      seen.add(event.getLoggerName() + ": " + event.getFormattedMessage()
          + (event.getThrowableProxy() != null ? " (" + event.getThrowableProxy().getClassName() + ")" : ""));
    }
  }

  public List<String> seen() {
    return List.copyOf(seen);
  }

  @Override
  public void close() {
    root.detachAppender(this);
    stop();
  }
}
