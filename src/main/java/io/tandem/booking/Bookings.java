package io.tandem.booking;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.auth.Role;
import io.tandem.bus.UserEvents;
import io.tandem.directory.ExpertDirectory;
import io.tandem.kernel.BookingId;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.matching.ExpertLoads;
import io.tandem.matching.SessionReady;
import io.tandem.matching.SessionTerms;
import io.tandem.money.Account;
import io.tandem.money.EntryKind;
import io.tandem.money.Leg;
import io.tandem.money.Ledger;
import io.tandem.money.Price;
import io.tandem.money.Pricing;
import io.tandem.reliability.Penalties;
import io.tandem.reliability.PenaltyKind;
import io.tandem.reliability.Reliability;
import io.tandem.session.BookedSession;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Booking an expert for later (issue 26): a slot of their availability held for a client, its price
 * held in escrow from the moment it is booked; cancelled by either side before the start; opened
 * as a session at its start, after which the session's own rules (join windows, no-shows,
 * settlement) apply. A booking's id is its session's id, so that the hold made at booking is
 * the one the session settles. PostgreSQL decides every race: the exclusion constraints (one
 * booking of a slot), the conditional status changes (one cancellation, one opening), the ledger's keys.
 */
public final class Bookings {
  private static final Logger log = LoggerFactory.getLogger(Bookings.class);
  /** Bookings a sweep opens per transaction at most. */
  private static final int OPEN_BATCH = 100;
  /** How far back {@code GET /api/v1/me/bookings} lists bookings that ended. */
  private static final Duration RECENT = Duration.ofDays(1);

  private final Pool pool;
  private final BookingRepository repository;
  private final ExpertDirectory directory;
  private final Pricing pricing;
  private final Ledger ledger;
  private final Reliability reliability;
  private final Penalties penalties;
  private final SessionTerms terms;
  private final SessionStart sessions;
  private final SessionReady sessionReady;
  private final UserEvents users;
  private final ExpertLoads loads;
  private final BookingMetrics metrics;
  private final BookingConfig config;
  private final Clock clock;

  Bookings(Pool pool, BookingRepository repository, ExpertDirectory directory, Pricing pricing, Ledger ledger, Reliability reliability,
      Penalties penalties, SessionTerms terms, SessionStart sessions, SessionReady sessionReady, UserEvents users, ExpertLoads loads, BookingMetrics metrics,
      BookingConfig config, Clock clock) {
    this.pool = pool;
    this.repository = repository;
    this.directory = directory;
    this.pricing = pricing;
    this.ledger = ledger;
    this.reliability = reliability;
    this.penalties = penalties;
    this.terms = terms;
    this.sessions = sessions;
    this.sessionReady = sessionReady;
    this.users = users;
    this.loads = loads;
    this.metrics = metrics;
    this.config = config;
    this.clock = clock;
  }

  /** What a client asks to book: one of the expert's slots for a topic and mode, and what they want to talk about. */
  public record BookingRequest(UserId expert, Topic topic, Mode mode, Instant startAt, String brief) {
    public static final int MAX_BRIEF_LENGTH = 500;
  }

  /** The terms every booking is made under now: {@code GET /api/v1/booking-terms}. */
  public BookingConfig terms() {
    return config;
  }

  /**
   * {@code POST /api/v1/bookings}: the booking, {@code confirmed}, its price held. {@code bad_request}
   * for a slot the expert does not offer; {@code conflict} when the slot (or the client's time) was
   * booked first, or the client cannot pay; {@code forbidden} for a suspended client.
   */
  public Future<Booking> book(AuthenticatedUser caller, BookingRequest request) {
    requireClient(caller);
    Instant now = clock.instant();
    BookingId id = new BookingId(UUID.randomUUID());
    Price price = pricing.of(request.topic(), request.mode());
    return directory.bookable(request.expert(), request.topic(), request.mode(), request.startAt(), now)
        .compose(bookable -> reliability.suspendedUntil(caller.id()).compose(suspended -> suspended.isPresent()
            ? Future.failedFuture(ApiError.forbidden("you are suspended until " + suspended.get() + " and cannot book consultations")
                .with("reason", "suspended").with("suspendedUntil", suspended.get().toString()))
            : Future.succeededFuture(bookable)))
        .compose(bookable -> {
          Instant start = bookable.slot().startAt();
          Instant freeUntil = start.minus(config.freeCancel());
          BookingRepository.NewBooking booking = new BookingRepository.NewBooking(id, caller.id(), request.expert(), request.topic(),
              request.mode(), bookable.slot(), price, request.brief(), bookable.meetingPoint(), start.minus(config.noInstantBefore()),
              // Booked closer to the start than the free period: a cancellation costs the fee from the first moment (shown before booking).
              freeUntil.isBefore(now) ? now : freeUntil, config.lateCancelFee(price.amount()));
          return pool.withTransaction(conn -> repository.insert(conn, booking)
                  .compose(v -> Ledger.hold(conn, id.value(), caller.id(), price.amount()))
                  .compose(held -> held == Ledger.Posting.POSTED ? repository.find(conn, id).map(Optional::orElseThrow)
                      : Future.failedFuture(new Unaffordable())))
              .recover(failure -> failure instanceof Unaffordable
                  ? ledger.balance(caller.id()).compose(balance -> Future.failedFuture(price.unaffordable("this booking", balance)))
                  : Future.failedFuture(failure));
        })
        .onSuccess(made -> {
          metrics.count(BookingMetrics.Outcome.CONFIRMED);
          BookingNotice told = BookingNotice.confirmed(made);
          users.send(told.reader(), told);
          log.info("booking {}: client {} booked expert {} for {} by {} at {}", id, caller.id(), request.expert(), request.topic(),
              request.mode().wireName(), request.startAt());
        })
        .onFailure(failure -> {
          if (failure instanceof ApiError e && "slot_taken".equals(e.details().getString("reason"))) {
            metrics.count(BookingMetrics.Outcome.TAKEN);
          }
        });
  }

  /** The hold was refused for want of money: the transaction is rolled back, the client told what they have. */
  private static final class Unaffordable extends RuntimeException {
    Unaffordable() {
      super(null, null, false, false);
    }
  }

  /** {@code GET /api/v1/me/bookings}: the caller's bookings, as client or expert, that have not ended (or ended within a day), soonest first. */
  public Future<List<Booking>> mine(AuthenticatedUser caller, int limit) {
    return repository.of(caller.id(), clock.instant().minus(RECENT), limit);
  }

  /** {@code GET /api/v1/bookings/{id}}: one of the caller's bookings; {@code not_found} for anyone else's. */
  public Future<Booking> get(AuthenticatedUser caller, BookingId id) {
    return repository.find(pool, id).compose(found -> found.filter(b -> b.hasParticipant(caller.id()))
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ApiError.notFound("you have no booking " + id))));
  }

  /** The console's list: every booking starting in {@code [from, to)}, cancelled ones too. */
  public Future<List<Booking>> starting(Instant from, Instant to, int limit) {
    return repository.starting(from, to, limit);
  }

  /** A cancelled booking, and the penalty of an expert's cancellation (after commit, to announce). */
  public record Cancelled(Booking booking, Optional<Penalties.Recorded> penalty) {}

  /**
   * {@code DELETE /api/v1/bookings/{id}}: before its start, either side cancels a confirmed booking.
   * The client's cancellation is free until the booking's {@code freeCancelUntil} (the database's
   * clock decides, for every node alike) and costs its {@code lateCancelFee}, paid to the expert,
   * after; the expert's gives the client everything back and records a {@code booking_cancelled}
   * penalty. {@code conflict} once it is cancelled or has started.
   */
  public Future<Booking> cancel(AuthenticatedUser caller, BookingId id) {
    return pool.withTransaction(conn -> repository.lock(conn, id).compose(found -> {
          if (found.isEmpty() || !found.get().hasParticipant(caller.id())) {
            return Future.failedFuture(ApiError.notFound("you have no booking " + id));
          }
          Booking booking = found.get();
          boolean byClient = booking.client().id().equals(caller.id());
          // Wallets first, in the ledger's order, then the rest: the penalty locks the expert's account too.
          return Ledger.lockWallets(conn, List.of(booking.client().id(), booking.expert().id()))
              .compose(v -> repository.cancel(conn, id, caller.id()))
              .compose(fee -> fee.isEmpty()
                  ? Future.failedFuture(ApiError.conflict(booking.status() == BookingStatus.CANCELLED
                      ? "this booking is cancelled already" : "this booking has started: its session is open, and ends as sessions do")
                      .with("status", booking.status() == BookingStatus.CANCELLED ? "cancelled" : "started"))
                  : settle(conn, booking, byClient, fee.get()));
        }))
        .onSuccess(cancelled -> {
          Booking b = cancelled.booking();
          Booking.Cancellation how = b.cancellation().orElseThrow();
          metrics.count(how.by().equals("expert") ? BookingMetrics.Outcome.CANCELLED_BY_EXPERT
              : how.fee() > 0 ? BookingMetrics.Outcome.CANCELLED_LATE : BookingMetrics.Outcome.CANCELLED_FREE);
          log.info("booking {} cancelled by {} ({}), fee {}", id, caller.id(), how.by(), how.fee());
          cancelled.penalty().ifPresent(p -> p.announce(users));
          BookingNotice told = BookingNotice.cancelled(b);
          users.send(told.reader(), told);
        })
        .map(Cancelled::booking);
  }

  /**
   * The held price goes back to the client; a late cancellation's fee then goes from the client to
   * the expert (none of it to the platform: nothing was provided; the client's wallet covers it,
   * having just got the price back); an expert's cancellation is recorded against them. Keyed as a session's settlement is: a booking is settled once, cancelled or opened.
   */
  private Future<Cancelled> settle(SqlConnection conn, Booking booking, boolean byClient, long fee) {
    long price = booking.price().amount();
    Future<Optional<Penalties.Recorded>> penalty = byClient ? Future.succeededFuture(Optional.empty())
        : penalties.record(conn, booking.expert().id(), PenaltyKind.BOOKING_CANCELLED, true, "cancelled a confirmed booking",
            booking.id().value(), null);
    // The whole price back first, then the fee as a transfer of its own: each line of a statement says what it is.
    return penalty.compose(recorded -> Ledger.post(conn, "settle:" + booking.id(), booking.id().value(), null, List.of(
                Leg.of(Account.ESCROW, EntryKind.RELEASE, -price),
                Leg.wallet(booking.client().id(), EntryKind.RELEASE, price)))
            .compose(released -> fee == 0 ? Future.succeededFuture() : Ledger.post(conn, "cancel-fee:" + booking.id(), booking.id().value(), null,
                List.of(Leg.wallet(booking.client().id(), EntryKind.CANCEL_FEE, -fee), Leg.wallet(booking.expert().id(), EntryKind.CANCEL_FEE, fee)))
                .mapEmpty())
            .compose(posted -> repository.find(conn, booking.id()))
            .map(after -> new Cancelled(after.orElseThrow(), recorded)));
  }

  /**
   * The opening sweep, on every node: confirmed bookings whose start has come become sessions,
   * {@code waiting}, with the booking's id, each once (the rows are locked, SKIP LOCKED, and marked
   * opened in the same transaction). The join window runs from the start, or from now when the
   * sweep comes late (the database was away): nobody is counted absent for time the room did not exist.
   */
  public Future<Void> openDue() {
    Instant now = clock.instant();
    return pool.withTransaction(conn -> repository.lockDue(conn, OPEN_BATCH).compose(due -> {
          List<Opened> opening = due.stream()
              .map(b -> new Opened(b, (b.startAt().isAfter(now) ? b.startAt() : now).plus(terms.joinWindow(b.mode()))))
              .toList();
          Future<Void> opened = Future.succeededFuture();
          for (Opened o : opening) {
            Booking b = o.booking();
            opened = opened.compose(v -> sessions.open(conn, new BookedSession(b.id(), b.client().id(),
                b.expert().id(), b.topic(), b.mode(), o.joinDeadline(), b.meetingPoint(), b.price().amount(), b.price().platformFee())));
          }
          return opening.isEmpty() ? Future.succeededFuture(opening)
              : opened.compose(v -> repository.markOpened(conn, due.stream().map(Booking::id).toList())).map(opening);
        }))
        .onSuccess(opened -> {
          if (!opened.isEmpty()) {
            metrics.count(BookingMetrics.Outcome.OPENED, opened.size());
          }
          opened.forEach(this::announce);
        })
        .mapEmpty();
  }

  /** A booking whose session was opened, and the join deadline it was opened with. */
  private record Opened(Booking booking, Instant joinDeadline) {}

  /** Both sides are told as at a match ({@code session.ready}, with the booking's id): their apps take them to the room. */
  private void announce(Opened opened) {
    Booking b = opened.booking();
    log.info("booking {} opened: session {} for client {} and expert {}", b.id(), b.id().session(), b.client().id(), b.expert().id());
    users.send(b.client().id(), sessionReady.event(b.id().value(), null, b.id(), b.mode(), b.price(), b.client().id(), b.expert().id(),
        b.expert().displayName(), "expert", opened.joinDeadline()));
    users.send(b.expert().id(), sessionReady.event(b.id().value(), null, b.id(), b.mode(), b.price(), b.expert().id(), b.client().id(),
        b.client().displayName(), "client", opened.joinDeadline()));
    loads.changed(b.expert().id());
  }

  /** Only clients book: the edges ask first, before reading the body. */
  public static void requireClient(AuthenticatedUser caller) {
    if (caller.role() != Role.CLIENT) {
      throw ApiError.forbidden("only clients may book consultations");
    }
  }
}
