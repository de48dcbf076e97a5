package io.tandem.booking;

import io.tandem.kernel.BookingId;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one writer of {@code booking_reminders}: which reminders are due, who is sending each, and
 * which were sent. A claim is a conditional write, so two nodes sweeping at once never both send
 * one; a claim a dead node left is taken over once it expires.
 */
final class ReminderRepository {
  private final Pool pool;

  ReminderRepository(Pool pool) {
    this.pool = pool;
  }

  /** One side of a reminded booking: who, their name, and their address for e-mail if they gave one. */
  record Person(UserId id, String displayName, Optional<String> email) {}

  /** A reminder this node now holds: its booking, how long before the start, and its two people. */
  record Claimed(BookingId booking, int leadMinutes, Topic topic, Mode mode, Instant startAt, Instant endAt, Person client, Person expert) {}

  /**
   * Claims, for {@code claimFor}, up to {@code limit} reminders that are due: a confirmed booking
   * that has not started, whose start is at most a lead away, booked longer than that lead before
   * its start (a booking made an hour ahead gets no day-ahead reminder), no nearer lead due as well,
   * and not sent nor held by a live claim of another node.
   */
  Future<List<Claimed>> claimDue(String node, List<Integer> leadMinutes, Duration claimFor, int limit) {
    int longest = leadMinutes.stream().mapToInt(Integer::intValue).max().orElse(0);
    return pool.preparedQuery("WITH due AS ("
            + " SELECT b.id, l.lead FROM bookings b CROSS JOIN unnest($2::int[]) AS l(lead)"
            + " WHERE b.status = 'confirmed' AND b.start_at > now() AND b.start_at <= now() + make_interval(mins => $5)"
            + " AND b.start_at - make_interval(mins => l.lead) <= now() AND b.created_at < b.start_at - make_interval(mins => l.lead)"
            // Only the nearest lead that is due: after an outage a day-ahead reminder is not sent five minutes before.
            + " AND NOT EXISTS (SELECT 1 FROM unnest($2::int[]) AS s(lead) WHERE s.lead < l.lead AND b.start_at - make_interval(mins => s.lead) <= now())"
            + " ORDER BY b.start_at LIMIT $4),"
            + " claimed AS (INSERT INTO booking_reminders (booking_id, lead_minutes, claimed_by, claimed_until)"
            + " SELECT id, lead, $1, now() + make_interval(secs => $3) FROM due"
            + " ON CONFLICT (booking_id, lead_minutes) DO UPDATE SET claimed_by = EXCLUDED.claimed_by, claimed_until = EXCLUDED.claimed_until,"
            + " attempts = booking_reminders.attempts + 1"
            + " WHERE booking_reminders.sent_at IS NULL AND booking_reminders.claimed_until < now()"
            + " RETURNING booking_id, lead_minutes)"
            + " SELECT c.booking_id, c.lead_minutes, b.topic, b.mode, b.start_at, b.end_at,"
            + " b.client_id, ca.display_name AS client_name, ca.email AS client_email,"
            + " b.expert_id, ea.display_name AS expert_name, ea.email AS expert_email"
            + " FROM claimed c JOIN bookings b ON b.id = c.booking_id JOIN accounts ca ON ca.id = b.client_id JOIN accounts ea ON ea.id = b.expert_id")
        .execute(Tuple.of(node, leadMinutes.toArray(Integer[]::new), claimFor.toMillis() / 1000.0, limit, longest))
        .map(rows -> {
          List<Claimed> claimed = new ArrayList<>();
          for (Row row : rows) {
            claimed.add(new Claimed(new BookingId(row.getUUID("booking_id")), row.getInteger("lead_minutes"), new Topic(row.getString("topic")),
                Mode.fromWire(row.getString("mode")).orElseThrow(), row.getOffsetDateTime("start_at").toInstant(),
                row.getOffsetDateTime("end_at").toInstant(),
                new Person(new UserId(row.getUUID("client_id")), row.getString("client_name"), Optional.ofNullable(row.getString("client_email"))),
                new Person(new UserId(row.getUUID("expert_id")), row.getString("expert_name"), Optional.ofNullable(row.getString("expert_email")))));
          }
          return claimed;
        });
  }

  /** Records it sent, with the e-mails the server accepted, while the claim is still this node's; false when it was not (taken over). */
  Future<Boolean> sent(String node, Claimed reminder, int emails) {
    return pool.preparedQuery("UPDATE booking_reminders SET sent_at = now(), emails = $4"
            + " WHERE booking_id = $1 AND lead_minutes = $2 AND claimed_by = $3 AND sent_at IS NULL")
        .execute(Tuple.of(reminder.booking().value(), reminder.leadMinutes(), node, emails))
        .map(rows -> rows.rowCount() == 1);
  }
}
