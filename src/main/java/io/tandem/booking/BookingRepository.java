package io.tandem.booking;

import io.tandem.directory.Availability;
import io.tandem.kernel.BookingId;
import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.SessionStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.money.Price;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The one writer of {@code bookings}. PostgreSQL keeps two bookings of one expert, or of one client,
 * from overlapping (the exclusion constraints of V18): of two nodes booking the same slot at once,
 * one inserts and the other is told {@code conflict}, whatever either read before. Every change of
 * status is conditional on the status it leaves, on a row the caller's transaction locked.
 */
public final class BookingRepository {
  private static final String EXCLUSION_VIOLATION = "23P01";
  private static final String SELECT = "SELECT b.id, b.client_id, c.display_name AS client_name, b.expert_id, e.display_name AS expert_name,"
      + " b.topic, b.mode, b.start_at, b.end_at, b.price, b.platform_fee, b.brief, b.meeting_lat, b.meeting_lng, b.free_cancel_until,"
      + " b.late_cancel_fee, b.status, b.cancelled_by, b.cancelled_at, b.cancel_fee, s.status AS session_status"
      + " FROM bookings b JOIN accounts c ON c.id = b.client_id JOIN accounts e ON e.id = b.expert_id"
      // An opened booking's session has its id (the session feature's table, read here for the booking's view).
      + " LEFT JOIN sessions s ON s.id = b.id";

  private final Pool pool;
  private final String currency;

  public BookingRepository(Pool pool, String currency) {
    this.pool = pool;
    this.currency = currency;
  }

  /** A booking about to be made: its slot, what it costs, and the terms it is made under. */
  record NewBooking(BookingId id, UserId client, UserId expert, Topic topic, Mode mode, Availability.Slot slot, Price price, String brief,
      Optional<GeoPoint> meetingPoint, Instant quietFrom, Instant freeCancelUntil, long lateCancelFee) {}

  /**
   * Inserts it, {@code confirmed}; {@code conflict} when the expert or the client is booked at an
   * overlapping time, {@code unauthorized} when the client's account is gone.
   */
  Future<Void> insert(SqlClient sql, NewBooking b) {
    return sql.preparedQuery("INSERT INTO bookings (id, client_id, expert_id, topic, mode, start_at, end_at, quiet_from, price, platform_fee,"
            + " free_cancel_until, late_cancel_fee, brief, meeting_lat, meeting_lng, status)"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'confirmed')")
        .execute(Tuple.tuple().addUUID(b.id().value()).addUUID(b.client().value()).addUUID(b.expert().value()).addString(b.topic().value())
            .addString(b.mode().wireName()).addOffsetDateTime(utc(b.slot().startAt())).addOffsetDateTime(utc(b.slot().endAt()))
            .addOffsetDateTime(utc(b.quietFrom())).addLong(b.price().amount()).addLong(b.price().platformFee())
            .addOffsetDateTime(utc(b.freeCancelUntil())).addLong(b.lateCancelFee()).addString(b.brief())
            .addDouble(b.meetingPoint().map(GeoPoint::lat).orElse(null)).addDouble(b.meetingPoint().map(GeoPoint::lng).orElse(null)))
        .<Void>mapEmpty()
        .recover(e -> Future.failedFuture(!(e instanceof PgException pg) ? e
            : EXCLUSION_VIOLATION.equals(pg.getSqlState()) ? taken(pg.getConstraint())
            // A token outliving its account (the expert's was checked just before, and has a profile).
            : "bookings_client_id_fkey".equals(pg.getConstraint()) ? ApiError.unauthorized("the account of this token no longer exists")
            : e));
  }

  private static ApiError taken(String constraint) {
    return "bookings_client_free".equals(constraint)
        ? ApiError.conflict("you already have a booking at an overlapping time; cancel it first or choose another slot").with("reason", "client_busy")
        : ApiError.conflict("this slot was just booked by someone else; choose another").with("reason", "slot_taken");
  }

  Future<Optional<Booking>> find(SqlClient sql, BookingId id) {
    return sql.preparedQuery(SELECT + " WHERE b.id = $1").execute(Tuple.of(id.value())).map(rows -> first(rows));
  }

  /** Locks the booking for a change of its status in the caller's transaction. */
  Future<Optional<Booking>> lock(SqlClient sql, BookingId id) {
    return sql.preparedQuery(SELECT + " WHERE b.id = $1 FOR UPDATE OF b").execute(Tuple.of(id.value())).map(rows -> first(rows));
  }

  /**
   * Cancels a booking the caller locked, still confirmed and not yet started, by {@code by}; what it
   * cost the client: its late fee when the client cancels after its free period (the database's
   * clock decides, the same for every node), else 0. Empty when it was no longer confirmed or has started.
   */
  Future<Optional<Long>> cancel(SqlClient sql, BookingId id, UserId by) {
    return sql.preparedQuery("UPDATE bookings SET status = 'cancelled', cancelled_by = $2, cancelled_at = now(),"
            + " cancel_fee = CASE WHEN $2 = client_id AND now() > free_cancel_until THEN late_cancel_fee ELSE 0 END"
            + " WHERE id = $1 AND status = 'confirmed' AND start_at > now() RETURNING cancel_fee")
        .execute(Tuple.of(id.value(), by.value()))
        .map(rows -> rows.size() == 0 ? Optional.<Long>empty() : Optional.of(rows.iterator().next().getLong("cancel_fee")));
  }

  /**
   * Up to {@code limit} confirmed bookings whose start has come and whose expert is below capacity,
   * locked for opening; another node's sweep skips them (SKIP LOCKED), so each is opened by one
   * transaction. An expert still at capacity (an instant session that ran into the booking, or an
   * offer made before the quiet time and not yet answered) holds the opening back until a place is
   * free: no expert is ever above capacity. No new offer can come meanwhile (make_offers refuses
   * an expert inside a booking's quiet time), so the wait ends with what is already under way. The
   * experts' presence rows are locked first ({@link #lockExpertsOfDue}), as make_offers locks them.
   */
  Future<List<Booking>> lockDue(SqlClient sql, int limit) {
    return lockExpertsOfDue(sql).compose(v -> sql.preparedQuery(SELECT + " WHERE b.status = 'confirmed' AND b.start_at <= now()"
            + " AND expert_load(b.expert_id) < coalesce((SELECT p.capacity FROM expert_presence p WHERE p.expert_id = b.expert_id), 1)"
            + " ORDER BY b.start_at LIMIT $1 FOR UPDATE OF b SKIP LOCKED")
        .execute(Tuple.of(limit))
        .map(this::all));
  }

  /**
   * First of all, the presence rows of the experts whose bookings are due, in the order make_offers
   * locks them: an offer being written to one of them has committed before {@link #lockDue} counts
   * their load (which then counts it), or waits for this transaction (and then counts the opened
   * session). Without it an offer written as the expert's quiet time began (make_offers judges it by
   * its own transaction's start) and an opening could each count the expert free, and both commit.
   */
  private Future<Void> lockExpertsOfDue(SqlClient sql) {
    return sql.preparedQuery("SELECT 1 FROM expert_presence p WHERE p.expert_id IN (SELECT b.expert_id FROM bookings b"
            + " WHERE b.status = 'confirmed' AND b.start_at <= now()) ORDER BY p.expert_id FOR UPDATE OF p")
        .execute().mapEmpty();
  }

  /** Marks locked, confirmed bookings opened (their sessions were inserted in the same transaction). */
  Future<Void> markOpened(SqlClient sql, List<BookingId> ids) {
    return sql.preparedQuery("UPDATE bookings SET status = 'opened', opened_at = now() WHERE id = ANY($1) AND status = 'confirmed'")
        .execute(Tuple.of(ids.stream().map(BookingId::value).toArray(UUID[]::new)))
        .mapEmpty();
  }

  /** A person's bookings, as client or expert, that end after {@code since}, soonest first. */
  Future<List<Booking>> of(UserId user, Instant since, int limit) {
    return pool.preparedQuery(SELECT + " WHERE (b.client_id = $1 OR b.expert_id = $1) AND b.end_at > $2 ORDER BY b.start_at, b.id LIMIT $3")
        .execute(Tuple.of(user.value(), utc(since), limit))
        .map(this::all);
  }

  /** Every booking starting in {@code [from, to)}, cancelled ones too, soonest first: the operator console's day. */
  Future<List<Booking>> starting(Instant from, Instant to, int limit) {
    return pool.preparedQuery(SELECT + " WHERE b.start_at >= $1 AND b.start_at < $2 ORDER BY b.start_at, b.id LIMIT $3")
        .execute(Tuple.of(utc(from), utc(to), limit))
        .map(this::all);
  }

  /** The times an expert is booked (not cancelled) that overlap {@code [from, to)}: what the slots leave out. */
  public Future<List<Availability.Slot>> bookedBetween(UserId expert, Instant from, Instant to) {
    return pool.preparedQuery("SELECT start_at, end_at FROM bookings WHERE expert_id = $1 AND status <> 'cancelled'"
            + " AND tstzrange(start_at, end_at) && tstzrange($2, $3)")
        .execute(Tuple.of(expert.value(), utc(from), utc(to)))
        .map(rows -> {
          List<Availability.Slot> booked = new ArrayList<>();
          rows.forEach(row -> booked.add(new Availability.Slot(row.getOffsetDateTime("start_at").toInstant(), row.getOffsetDateTime("end_at").toInstant())));
          return booked;
        });
  }

  private Optional<Booking> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(booking(rows.iterator().next()));
  }

  private List<Booking> all(RowSet<Row> rows) {
    List<Booking> bookings = new ArrayList<>(rows.size());
    rows.forEach(row -> bookings.add(booking(row)));
    return bookings;
  }

  private Booking booking(Row row) {
    UserId client = new UserId(row.getUUID("client_id"));
    UUID cancelledBy = row.getUUID("cancelled_by");
    OffsetDateTime cancelledAt = row.getOffsetDateTime("cancelled_at");
    Double lat = row.getDouble("meeting_lat");
    return new Booking(new BookingId(row.getUUID("id")),
        new Booking.Party(client, row.getString("client_name")),
        new Booking.Party(new UserId(row.getUUID("expert_id")), row.getString("expert_name")),
        new Topic(row.getString("topic")), Mode.fromWire(row.getString("mode")).orElseThrow(),
        row.getOffsetDateTime("start_at").toInstant(), row.getOffsetDateTime("end_at").toInstant(),
        new Price(row.getLong("price"), row.getLong("platform_fee"), currency), row.getString("brief"),
        lat == null ? Optional.empty() : Optional.of(new GeoPoint(lat, row.getDouble("meeting_lng"))),
        row.getOffsetDateTime("free_cancel_until").toInstant(), row.getLong("late_cancel_fee"),
        BookingStatus.stored(row.getString("status")),
        cancelledAt == null ? Optional.empty() : Optional.of(new Booking.Cancellation(
            client.value().equals(cancelledBy) ? "client" : "expert", cancelledAt.toInstant(), row.getLong("cancel_fee"))),
        Optional.ofNullable(row.getString("session_status")).map(SessionStatus::stored));
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
