package io.tandem.db;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tandem.testing.Poll;
import io.tandem.testing.TestDatabase;
import io.tandem.wire.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DatabaseOutagesTest {
  @Test
  @DisplayName("a call that waits past its bound while the database answers a probe at once is logged as a wait, not as the database gone")
  void aWaitIsNotAnOutage() throws Exception {
    ListAppender<ILoggingEvent> said = new ListAppender<>();
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(DatabaseOutages.class);
    said.start();
    logger.addAppender(said);
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Database.at(TestDatabase.url(), Duration.ofSeconds(10)).pool(vertx, "outages-test", 2);
      DatabaseOutages outages = new DatabaseOutages(vertx, pool, Duration.ofMillis(300));
      // A statement slower than the bound: the database is there, the call only waits too long.
      Throwable failure = outages.bounded(pool.query("SELECT pg_sleep(1)").execute()).toCompletionStage().toCompletableFuture()
          .handle((rows, error) -> error).get(10, TimeUnit.SECONDS);
      assertThat(failure).isNotNull();
      assertThat(outages.answer(failure, "a test call").code()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(outages.isDown()).isTrue();

      Poll.until("the outage ends at the first probe", Duration.ofSeconds(10), () -> !outages.isDown());
      List<ILoggingEvent> lines = List.copyOf(said.list);
      assertThat(lines).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
          .extracting(ILoggingEvent::getFormattedMessage).asString()
          .startsWith("the database did not answer in time (no answer within 300 ms, first seen by a test call)");
      assertThat(lines).filteredOn(e -> e.getLevel() == Level.INFO).singleElement()
          .extracting(ILoggingEvent::getFormattedMessage).asString()
          .startsWith("the database answered its first probe in").contains("the database was not gone; 1 calls were answered 'unavailable'");
      assertThat(lines).noneMatch(e -> e.getFormattedMessage().startsWith("the database is unavailable"));
      pool.close();
    } finally {
      logger.detachAppender(said);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
