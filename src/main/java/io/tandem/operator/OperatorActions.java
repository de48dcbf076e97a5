package io.tandem.operator;

import io.tandem.auth.AccountSuspensions;
import io.tandem.auth.AuthenticatedUser;
import io.tandem.auth.Role;
import io.tandem.bus.Addresses;
import io.tandem.bus.PresenceMessages;
import io.tandem.bus.PresenceStatus;
import io.tandem.bus.UserEvents;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.SessionStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.kernel.Uuids;
import io.tandem.matching.CancelReason;
import io.tandem.matching.Cancellation;
import io.tandem.matching.RequestService;
import io.tandem.money.Amounts;
import io.tandem.money.Ledger;
import io.tandem.money.Pricing;
import io.tandem.money.Refunds;
import io.tandem.reliability.Penalties;
import io.tandem.reliability.Penalty;
import io.tandem.reliability.Ratings;
import io.tandem.session.Outcomes;
import io.tandem.session.SessionRecord;
import io.tandem.topic.Topics;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What operators may do to put things right, each in one transaction with its {@link Audit} record
 * (who, when, to what, why): cancel a request, end a session with an outcome, refund a session,
 * credit a wallet, suspend and reinstate an account, waive a penalty (and its fee). Administrators
 * only; every action needs a {@code reason}; those that move money need an {@code Idempotency-Key},
 * and the same key again answers the same action without doing it twice.
 */
public final class OperatorActions {
  private static final Logger log = LoggerFactory.getLogger(OperatorActions.class);
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");
  /** The longest reason an operator gives, in characters. */
  public static final int MAX_REASON = 500;
  /** The longest suspension an operator sets in one go: a year. */
  public static final int MAX_SUSPENSION_HOURS = 24 * 366;

  private final Pool pool;
  private final RequestService requests;
  private final Outcomes outcomes;
  private final Penalties penalties;
  private final AccountSuspensions suspensions;
  private final Penalties.Suspension offline;
  private final Pricing pricing;
  private final UserEvents events;
  private final Ratings ratings;
  private final Topics topics;

  /**
   * {@code suspensions}: the account's suspension (auth's); {@code offline}: how a suspended expert is
   * taken offline (presence's).
   */
  public OperatorActions(Pool pool, RequestService requests, Outcomes outcomes, Penalties penalties, AccountSuspensions suspensions,
      Penalties.Suspension offline, Pricing pricing, UserEvents events, Topics topics, Ratings ratings) {
    this.topics = topics;
    this.ratings = ratings;
    this.pool = pool;
    this.requests = requests;
    this.outcomes = outcomes;
    this.penalties = penalties;
    this.suspensions = suspensions;
    this.offline = offline;
    this.pricing = pricing;
    this.events = events;
  }

  /** {@code POST /api/v1/admin/requests/{id}/cancel {reason}}: a waiting request cancelled, its pending offer withdrawn. */
  public Future<ActionResult> cancelRequest(AuthenticatedUser caller, String id, String reason) {
    UserId operator = operator(caller);
    RequestId request = RequestId.parse(id).orElseThrow(() -> ApiError.notFound("there is no request " + id));
    return asOperator(operator, conn -> requests.cancel(conn, request).compose(outcome -> {
          if (outcome instanceof Cancellation.NotFound) {
            return Future.failedFuture(ApiError.notFound("there is no request " + id));
          }
          if (outcome instanceof Cancellation.AlreadyClosed closed) {
            return Future.failedFuture(ApiError.conflict("the request is already " + closed.status()));
          }
          return Audit.record(conn, operator, new Audit.Action("request.cancel", "request", request.value(), reason, new JsonObject()))
              .map(outcome);
        }))
        .map(outcome -> {
          requests.announceCancelled(outcome, CancelReason.OPERATOR);
          log.info("operator {} cancelled request {}: {}", operator, request, reason);
          return new ActionResult.RequestCancelled(id);
        });
  }

  /**
   * {@code POST /api/v1/admin/sessions/{id}/end {outcome, reason}}: an open session ends as the
   * operator decides, with that ending's money, penalties and requeue (the outcome table's).
   */
  public Future<ActionResult> endSession(AuthenticatedUser caller, String id, SessionStatus ending, String reason) {
    UserId operator = operator(caller);
    if (ending.open()) {
      throw ApiError.badRequest("outcome '" + ending.wireName() + "' is not how a session ends");
    }
    SessionId session = SessionId.parse(id).orElseThrow(() -> ApiError.notFound("there is no session " + id));
    return asOperator(operator, conn -> outcomes.endByOperator(conn, session, ending, operator)
            .compose(settled -> Audit.record(conn, operator, new Audit.Action("session.end", "session", session.value(), reason,
                new JsonObject().put("outcome", ending.wireName()))).map(settled)))
        .map(settled -> {
          outcomes.announce(settled);
          log.info("operator {} ended session {} as {}: {}", operator, session, ending, reason);
          return new ActionResult.SessionEnded(id, settled.session().status().wireName(), settled.payment(), pricing.currency());
        });
  }

  /**
   * {@code POST /api/v1/admin/sessions/{id}/refund {amount, reason}} with an {@code Idempotency-Key}:
   * part or all of what the client paid for a settled session goes back to them (Refunds: never
   * more than they paid; the expert and the platform give it back in proportion). A retry of the
   * key is answered from the audit log (Audit.claim).
   */
  public Future<ActionResult> refund(AuthenticatedUser caller, String id, long amount, String reason, String idempotencyKey) {
    UserId operator = operator(caller);
    String key = idempotencyKey(idempotencyKey);
    SessionId session = SessionId.parse(id).orElseThrow(() -> ApiError.notFound("there is no session " + id));
    Audit.Action action = new Audit.Action("session.refund", "session", session.value(), reason, new JsonObject().put("amount", amount));
    return asOperator(operator, conn -> Audit.claim(conn, operator, action, key).compose(earlier -> earlier.isPresent()
            ? Future.succeededFuture(new Refunds.Refund(amount, earlier.get().getLong("fromExpert"), earlier.get().getLong("fromPlatform")))
            : Outcomes.find(conn, session).compose(found -> {
              if (found.isEmpty()) {
                return Future.failedFuture(ApiError.notFound("there is no session " + id));
              }
              SessionRecord s = found.get();
              return Ledger.lockWallets(conn, List.of(s.clientId(), s.expertId()))
                  .compose(v -> Refunds.refund(conn, session.value(), s.clientId(), s.expertId(), amount, reason, operator + ":" + key,
                      pricing.currency()))
                  .compose(refund -> Audit.complete(conn, operator, key,
                      new JsonObject().put("fromExpert", refund.fromExpert()).put("fromPlatform", refund.fromPlatform())).map(refund));
            })))
        .map(refund -> {
          log.info("operator {} refunded {} of session {}: {}", operator, Amounts.format(refund.amount(), pricing.currency()), session, reason);
          return new ActionResult.Refunded(id, refund.amount(), pricing.currency(), refund.fromExpert(), refund.fromPlatform());
        });
  }

  /**
   * {@code POST /api/v1/admin/users/{id}/credits {amount, reason}} with an {@code Idempotency-Key}:
   * the platform credits a wallet; a retry of the key is answered, not credited again.
   */
  public Future<ActionResult> credit(AuthenticatedUser caller, String id, long amount, String reason, String idempotencyKey) {
    UserId operator = operator(caller);
    String key = idempotencyKey(idempotencyKey);
    UserId user = userId(id);
    Audit.Action action = new Audit.Action("wallet.credit", "user", user.value(), reason, new JsonObject().put("amount", amount));
    return asOperator(operator, conn -> Audit.claim(conn, operator, action, key).compose(earlier -> earlier.isPresent()
            ? Future.<Void>succeededFuture()
            : account(conn, user).compose(role -> role == Role.ADMIN
                ? Future.failedFuture(ApiError.conflict("administrators have no wallet to credit"))
                : Ledger.credit(conn, operator + ":" + key, user, amount, reason).compose(posted -> posted == Ledger.Posting.POSTED
                    ? Future.<Void>succeededFuture()
                    : Future.<Void>failedFuture(ApiError.conflict("a credit was made under this key already"))))))
        .map(v -> {
          log.info("operator {} credited {} to {}: {}", operator, Amounts.format(amount, pricing.currency()), user, reason);
          return new ActionResult.Credited(id, amount, pricing.currency());
        });
  }

  /**
   * {@code POST /api/v1/admin/users/{id}/suspension {hours, reason}}: no requests, no offers until
   * then; an expert goes offline at once, a client's waiting request is cancelled.
   */
  public Future<ActionResult> suspend(AuthenticatedUser caller, String id, int hours, String reason) {
    UserId operator = operator(caller);
    UserId user = userId(id);
    Instant asked = Instant.now().plus(Duration.ofHours(hours));
    return asOperator(operator, conn -> account(conn, user).compose(role -> {
          if (role == Role.ADMIN) {
            return Future.failedFuture(ApiError.conflict("administrators are configured, not suspended"));
          }
          return suspensions.suspendByOperator(conn, user, asked)
              .compose(until -> (role == Role.EXPERT ? offline.takeOffline(conn, user) : Future.<Void>succeededFuture())
                  .compose(v -> Audit.record(conn, operator, new Audit.Action("user.suspend", "user", user.value(), reason,
                      new JsonObject().put("until", until.toString()))))
                  .map(v -> new Suspended(role, until)));
        }))
        .compose(suspended -> {
          log.info("operator {} suspended {} until {}: {}", operator, user, suspended.until(), reason);
          Future<Void> done = Future.succeededFuture();
          if (suspended.role() == Role.EXPERT) {
            PresenceMessages.announceOffline(events, user, PresenceStatus.suspended(suspended.until()));
          } else {
            done = requests.liveRequestOf(user).compose(live -> live.isEmpty() ? Future.<Void>succeededFuture()
                : requests.cancel(live.get(), user, CancelReason.OPERATOR).mapEmpty());
          }
          // The suspension in force: a longer one already running is kept.
          return done.map(v -> new ActionResult.Suspension(id, Optional.of(suspended.until())));
        });
  }

  private record Suspended(Role role, Instant until) {}

  /** {@code POST /api/v1/admin/users/{id}/reinstate {reason}}: a running suspension lifted. */
  public Future<ActionResult> reinstate(AuthenticatedUser caller, String id, String reason) {
    UserId operator = operator(caller);
    UserId user = userId(id);
    return asOperator(operator, conn -> account(conn, user)
            .compose(role -> suspensions.reinstate(conn, user))
            // Nobody suspended: nothing done, nothing recorded; the answer is the same.
            .compose(lifted -> !lifted ? Future.succeededFuture(false)
                : Audit.record(conn, operator, new Audit.Action("user.reinstate", "user", user.value(), reason, new JsonObject())).map(true)))
        .map(lifted -> {
          if (lifted) {
            log.info("operator {} reinstated {}: {}", operator, user, reason);
          }
          return new ActionResult.Suspension(id, Optional.empty());
        });
  }

  /**
   * {@code POST /api/v1/admin/penalties/{id}/waive {reason}}: the penalty stops counting (a
   * suspension the remaining points no longer reach is lifted), and a client no-show's fee is given
   * back by the platform.
   */
  public Future<ActionResult> waive(AuthenticatedUser caller, String id, String reason) {
    UserId operator = operator(caller);
    UUID penalty = Uuids.parse(id).orElseThrow(() -> ApiError.notFound("there is no penalty " + id));
    return asOperator(operator, conn -> penalties.waive(conn, penalty, reason).<ActionResult>compose(waiver -> {
          if (waiver.isEmpty()) {
            return Future.failedFuture(ApiError.notFound("there is no penalty " + id));
          }
          Row row = waiver.get().penalty();
          if (!waiver.get().now()) {
            // Waived before (by an operator, or as a first offence): nothing changes, nothing is recorded again.
            return Future.succeededFuture(new ActionResult.Waived(Penalty.of(row), 0L));
          }
          UUID session = row.getUUID("session_id");
          Future<Long> feeBack = session == null ? Future.succeededFuture(0L)
              : Ledger.refundNoShowFee(conn, session, new UserId(row.getUUID("user_id")), "no-show fee given back: " + reason);
          return feeBack.compose(fee -> Audit.record(conn, operator, new Audit.Action("penalty.waive", "penalty", penalty, reason,
                  new JsonObject().put("feeRefunded", fee)))
              .map(v -> new ActionResult.Waived(Penalty.of(row), fee)));
        }))
        .onSuccess(waived -> log.info("operator {} waived penalty {}: {}", operator, penalty, reason));
  }

  /**
   * {@code PUT /api/v1/admin/topics/{topic} {names: {en, zh-CN}, price?, retired?, reason}}: a topic of
   * the catalogue created or changed (a new one needs its parent listed); {@code price} a number for
   * every mode or {@code {chat?, video?, in_person?}}, left out for none of its own (its parent's).
   * Every node reads the catalogue again once it committed.
   */
  public Future<ActionResult> saveTopic(AuthenticatedUser caller, Topics.Change change, String reason) {
    UserId operator = operator(caller);
    Topic topic = change.topic();
    return asOperator(operator, conn -> topics.save(conn, change).compose(saved -> Audit.record(conn, operator, new Audit.Action(
                saved.created() ? "topic.create" : "topic.change", "topic", saved.entry().id(), reason, saved.entry().toJson()))
            .map(saved)))
        // This node's catalogue is read again before answering (what the operator saved is in force
        // here at once); the others read it when told.
        .compose(saved -> topics.refresh().map(saved))
        .map(saved -> {
          events.publish(Addresses.TOPICS_CHANGED, new JsonObject().put("topic", topic.value()));
          log.info("operator {} {} topic {}: {}", operator, saved.created() ? "created" : "changed", topic, reason);
          return new ActionResult.TopicSaved(saved.entry());
        });
  }

  /**
   * {@code POST /api/v1/admin/reviews/{id}/hide} or {@code /show {reason}}: a review withheld from
   * the expert's public profile, or shown (again), its stars counting either way; a report of it is
   * settled by both. Recorded only when something changed; the answer is the review as it is now.
   */
  public Future<ActionResult> setReviewHidden(AuthenticatedUser caller, String id, boolean hidden, String reason) {
    UserId operator = operator(caller);
    SessionId review = SessionId.parse(id).orElseThrow(() -> ApiError.notFound("there is no review " + id));
    return asOperator(operator, conn -> ratings.setHidden(conn, review, hidden).compose(set -> {
          if (set.isEmpty()) {
            return Future.failedFuture(ApiError.notFound("there is no review " + id));
          }
          Ratings.Moderated now = set.get().review();
          Future<Void> recorded = !set.get().changed() ? Future.succeededFuture()
              : Audit.record(conn, operator, new Audit.Action(hidden ? "review.hide" : "review.show", "review", review.value(), reason,
                  new JsonObject().put("expertId", now.expert().toString())));
          return recorded.map(v -> {
            if (set.get().changed()) {
              log.info("operator {} {} review {}: {}", operator, hidden ? "hid" : "showed (kept)", review.value(), reason);
            }
            return (ActionResult) new ActionResult.ReviewModerated(now);
          });
        }));
  }

  /**
   * Runs an action in one transaction, once its operator is known to be an administrator still: a
   * validly signed token whose account is gone is {@code unauthorized}, as everywhere.
   */
  private <T> Future<T> asOperator(UserId operator, java.util.function.Function<SqlConnection, Future<T>> action) {
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT 1 FROM accounts WHERE id = $1 AND role = 'admin'")
        .execute(Tuple.of(operator.value()))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(ApiError.unauthorized("the account of this token no longer exists"))
            : action.apply(conn)));
  }

  private static Future<Role> account(SqlConnection conn, UserId user) {
    return conn.preparedQuery("SELECT role FROM accounts WHERE id = $1").execute(Tuple.of(user.value()))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(ApiError.notFound("there is no user " + user))
            : Future.succeededFuture(Role.fromWire(rows.iterator().next().getString("role")).orElseThrow()));
  }

  /** Only administrators put things right: the edges ask first, before reading the body. */
  public static UserId operator(AuthenticatedUser caller) {
    if (caller.role() != Role.ADMIN) {
      throw ApiError.forbidden("only administrators may put things right");
    }
    return caller.id();
  }

  private static UserId userId(String id) {
    return UserId.parse(id).orElseThrow(() -> ApiError.notFound("there is no user " + id));
  }

  private static String idempotencyKey(String key) {
    if (key == null || !IDEMPOTENCY_KEY.matcher(key).matches()) {
      throw ApiError.badRequest("an Idempotency-Key header (1 to 128 printable ASCII characters) is required: it keeps a retry from moving money twice");
    }
    return key;
  }
}
