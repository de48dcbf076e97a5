package io.tandem.booking;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.bus.UserEvents;
import io.tandem.directory.ExpertDirectory;
import io.tandem.mail.Mailer;
import io.tandem.matching.MatchingFeature;
import io.tandem.money.MoneyFeature;
import io.tandem.reliability.ReliabilityFeature;
import io.tandem.session.SessionConfig;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/** Bookings of experts for later, as the rest of the node uses them: the service, and the reminders before each start. */
public record BookingFeature(Bookings bookings, Reminders reminders) {
  /**
   * Built in two steps, as the directory lists free slots by asking what is booked while bookings
   * ask the directory what may be booked: the repository first ({@link #repository}), whose
   * {@code bookedBetween} the directory is built with, then this.
   */
  public static BookingRepository repository(Pool pool, MoneyFeature money) {
    return new BookingRepository(pool, money.pricing().currency());
  }

  /**
   * {@code sessions}: how a booking's session is opened at its start (the session feature's);
   * {@code mailer}: how reminders go by e-mail; {@code nodeId}: whose claim a reminder is while it is sent.
   */
  public static BookingFeature build(Pool pool, BookingRepository repository, BookingConfig config, ExpertDirectory directory,
      MoneyFeature money, ReliabilityFeature reliability, MatchingFeature matching, SessionConfig session, SessionStart sessions, UserEvents users,
      Mailer mailer, String nodeId, MeterRegistry meters) {
    BookingMetrics metrics = new BookingMetrics(meters);
    return new BookingFeature(
        new Bookings(pool, repository, directory, money.pricing(), money.ledger(), reliability.reliability(), reliability.penalties(),
            session.terms(), sessions, matching.sessionReady(), users, matching.loads(), metrics, config, Clock.systemUTC()),
        new Reminders(new ReminderRepository(pool), mailer, users, nodeId, config.reminderMinutes(), config.reminderClaim(), metrics));
  }
}
