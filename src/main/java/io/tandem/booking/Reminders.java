package io.tandem.booking;

import io.tandem.bus.UserEvents;
import io.tandem.mail.Mail;
import io.tandem.mail.Mailer;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reminders before a booking's start, {@code bookings.reminderMinutes} ahead: to both sides in the
 * app ({@code booking.reminder}), by e-mail to those who gave an address when {@code mail.smtp} is
 * configured, and as the {@code booking.reminder} webhook event (written by PostgreSQL when the
 * reminder is recorded sent). Every node sweeps; a reminder is claimed by one node
 * ({@link ReminderRepository}), so each goes out once. A node that dies between sending and
 * recording leaves a claim that another node takes over when it expires
 * (bookings.reminderClaimSeconds), and sends again: then the
 * mail has the same Message-ID, which mail programs show once.
 */
public final class Reminders {
  private static final Logger log = LoggerFactory.getLogger(Reminders.class);
  private static final int BATCH = 100;
  private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final ReminderRepository repository;
  private final Mailer mailer;
  private final UserEvents users;
  private final String node;
  private final List<Integer> leadMinutes;
  private final BookingMetrics metrics;
  private final Duration claim;

  /** {@code claim}: how long this node holds a reminder it sends (bookings.reminderClaimSeconds). */
  Reminders(ReminderRepository repository, Mailer mailer, UserEvents users, String node, List<Integer> leadMinutes, Duration claim,
      BookingMetrics metrics) {
    this.claim = claim;
    this.repository = repository;
    this.mailer = mailer;
    this.users = users;
    this.node = node;
    this.leadMinutes = List.copyOf(leadMinutes);
    this.metrics = metrics;
  }

  /** The sweep: every due reminder this node could claim, sent. */
  public Future<Void> sweep() {
    if (leadMinutes.isEmpty()) {
      return Future.succeededFuture();
    }
    return repository.claimDue(node, leadMinutes, claim, BATCH)
        .compose(claimed -> Future.join(claimed.stream().map(this::send).toList()))
        .mapEmpty();
  }

  /**
   * Tells both sides in the app, mails those with an address, and records it sent. When every mail
   * tried was refused (the SMTP server is away), it is left to be claimed again once the claim
   * expires, until the start; a refusal of one of two is logged, and the other is not sent twice.
   */
  private Future<Void> send(ReminderRepository.Claimed r) {
    List<Future<Boolean>> mails = new ArrayList<>();
    remind(r, r.client(), r.expert(), "expert").ifPresent(mails::add);
    remind(r, r.expert(), r.client(), "client").ifPresent(mails::add);
    return Future.all(mails).compose(done -> {
      int accepted = (int) mails.stream().filter(Future::result).count();
      if (!mails.isEmpty() && accepted == 0) {
        log.warn("booking {}: no reminder e-mail accepted; tried again in {} s", r.booking(), claim.toSeconds());
        return Future.succeededFuture();
      }
      return repository.sent(node, r, accepted).map(recorded -> {
        if (recorded) {
          metrics.reminded(accepted);
          log.info("booking {}: reminded {} min ahead ({} e-mails)", r.booking(), r.leadMinutes(), accepted);
        }
        return null;
      });
    });
  }

  /**
   * Tells {@code to} in the app, and by e-mail when mail is on and they gave an address: then the
   * mail's outcome (accepted or refused, logged), else empty.
   */
  private Optional<Future<Boolean>> remind(ReminderRepository.Claimed r, ReminderRepository.Person to, ReminderRepository.Person peer,
      String peerRole) {
    users.send(to.id(), new BookingReminder(r.booking(), r.topic(), r.mode(), r.startAt(), r.leadMinutes(), peer.id(), peer.displayName(),
        peerRole));
    if (!mailer.enabled() || to.email().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(mailer.send(mail(r, to, peer)).map(true).otherwise(e -> {
      log.warn("booking {}: the reminder {} min ahead by e-mail to user {} was refused: {}", r.booking(), r.leadMinutes(), to.id(), e.getMessage());
      return false;
    }));
  }

  /** The reminder as an e-mail to {@code to}, in English and Chinese (the account keeps no language), with the way to the booking. */
  private Mail mail(ReminderRepository.Claimed r, ReminderRepository.Person to, ReminderRepository.Person peer) {
    String at = UTC_TIME.format(r.startAt());
    String lead = r.leadMinutes() % 60 == 0 ? (r.leadMinutes() / 60) + " h" : r.leadMinutes() + " min";
    String leadZh = r.leadMinutes() % 60 == 0 ? (r.leadMinutes() / 60) + " 小时" : r.leadMinutes() + " 分钟";
    String link = mailer.appUrl() + "/#/bookings";
    String text = "Hello " + to.displayName() + ",\n\n"
        + "Your consultation with " + peer.displayName() + " on " + r.topic() + " (" + r.mode().wireName() + ") starts in " + lead
        + ", at " + at + ".\nOpen your bookings to join: " + link + "\n\n"
        + to.displayName() + "，您好：\n\n"
        + "您与 " + peer.displayName() + " 关于 " + r.topic() + " 的咨询将在 " + leadZh + "后开始（" + at + "）。\n打开“预约”进入：" + link + "\n";
    return new Mail(to.email().orElseThrow(), "Reminder / 提醒: " + peer.displayName() + ", " + at, text,
        "reminder-" + r.booking() + "-" + r.leadMinutes() + "-" + to.id() + "@tandem");
  }
}
