package io.tandem.money;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.auth.Role;
import io.tandem.kernel.UserId;
import io.tandem.kernel.Uuids;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clients add money through the payment provider ({@code payments.provider}): a top-up is written
 * once per Idempotency-Key, credited at once by the demo provider, or pending until the provider's
 * signed webhook confirms it, when it is credited exactly once (the ledger's key is the top-up;
 * each provider event is recorded once). The one writer of {@code top_ups} and {@code payment_events}.
 */
public final class TopUps {
  private static final Logger log = LoggerFactory.getLogger(TopUps.class);
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");
  private static final String COLUMNS = "id, user_id, amount, provider, status, created_at, settled_at";

  private final Pool pool;
  private final Optional<PaymentProvider> provider;
  private final PaymentsConfig config;
  private final String currency;

  /** {@code provider}: empty when this server takes no top-ups ({@code payments.provider} is {@code none}). */
  public TopUps(Pool pool, Optional<PaymentProvider> provider, PaymentsConfig config, String currency) {
    this.pool = pool;
    this.provider = provider;
    this.config = config;
    this.currency = currency;
  }

  /** The provider {@code payments.provider} names, the embedded database deciding {@code auto}. */
  public static Optional<PaymentProvider> provider(PaymentsConfig config, boolean embeddedDatabase) {
    return switch (config.effectiveProvider(embeddedDatabase)) {
      case "demo" -> Optional.of(new DemoPayments());
      case "external" -> Optional.of(new ExternalPayments(config.webhookSecret()));
      default -> Optional.empty();
    };
  }

  /** How money is added here, for the wallet screen ({@code provider} empty: none). */
  public record Settings(Optional<String> provider, boolean demo, String currency, long minTopUp, long maxTopUp) {
    /** {@code {provider, demo, currency, minTopUp, maxTopUp}} ({@code provider} null: none). */
    public JsonObject toJson() {
      return new JsonObject().put("provider", provider.orElse(null)).put("demo", demo).put("currency", currency)
          .put("minTopUp", minTopUp).put("maxTopUp", maxTopUp);
    }
  }

  public Settings settings() {
    return new Settings(provider.map(PaymentProvider::name), provider.map(PaymentProvider::demo).orElse(false), currency,
        config.minTopUp(), config.maxTopUp());
  }

  /**
   * {@code POST /api/v1/wallet/top-ups {amount}} with an {@code Idempotency-Key} (required: money is
   * never added twice by a retry): {@code 201 {id, status, amount, currency, provider, demo}};
   * the same key again answers the same top-up, and with another amount is a {@code conflict}.
   */
  public Future<TopUp> create(AuthenticatedUser caller, Optional<Long> asked, String idempotencyKey) {
    if (caller.role() != Role.CLIENT) {
      throw ApiError.forbidden("only clients top up their wallet");
    }
    if (idempotencyKey == null || !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
      throw ApiError.badRequest("an Idempotency-Key header (1 to 128 printable ASCII characters) is required: it keeps a retry from adding money twice");
    }
    long amount = asked.orElseThrow(() -> ApiError.badRequest("amount is required"));
    if (amount < config.minTopUp() || amount > config.maxTopUp()) {
      throw ApiError.badRequest("amount must be between " + config.minTopUp() + " and " + config.maxTopUp());
    }
    PaymentProvider payments = provider.orElseThrow(() -> ApiError.conflict("this server takes no top-ups (payments.provider is none)"));
    UUID id = UUID.randomUUID();
    return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO top_ups (id, user_id, amount, provider, status, idempotency_key)"
                + " VALUES ($1, $2, $3, $4, 'pending', $5) ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING " + COLUMNS)
            .execute(Tuple.of(id, caller.id().value(), amount, payments.name(), idempotencyKey))
            .compose(inserted -> {
              if (inserted.size() == 0) {
                return earlier(conn, caller.id(), idempotencyKey, amount);
              }
              return payments.creditsAtOnce() ? credit(conn, id, caller.id(), amount) : Future.succeededFuture(inserted.iterator().next());
            }))
        // A validly signed token whose account is gone: its top-up has no owner to belong to.
        .recover(e -> Future.failedFuture(e instanceof PgException pg && "23503".equals(pg.getSqlState())
            ? ApiError.unauthorized("the account of this token no longer exists") : e))
        .map(this::view)
        .onSuccess(topUp -> log.info("top-up {} of {} by {}: {}", topUp.id(), Amounts.format(amount, currency), caller.id(), topUp.status()));
  }

  /** {@code GET /api/v1/wallet/top-ups/{id}}, for its owner: a pending top-up is credited once its provider confirms. */
  public Future<TopUp> get(AuthenticatedUser caller, String id) {
    ApiError notFound = ApiError.notFound("there is no top-up " + id);
    UUID topUp = Uuids.parse(id).orElseThrow(() -> notFound);
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM top_ups WHERE id = $1 AND user_id = $2").execute(Tuple.of(topUp, caller.id().value()))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(notFound) : Future.succeededFuture(view(rows.iterator().next())));
  }

  /**
   * {@code POST /api/v1/payments/webhooks/{provider}}: the provider's word on a top-up. A signature
   * that is not the provider's is {@code unauthorized} and changes nothing; an event taken before is
   * answered as it was; a success credits the top-up once, however many events say so.
   */
  public Future<TopUp> confirm(String providerName, Map<String, String> headers, String body, long nowSeconds) {
    PaymentProvider payments = provider.filter(p -> p.name().equals(providerName) && !p.creditsAtOnce())
        .orElseThrow(() -> ApiError.notFound("no payment provider " + providerName + " takes webhooks here"));
    PaymentProvider.PaymentEvent event = payments.verify(headers, body, nowSeconds)
        .orElseThrow(() -> ApiError.unauthorized("the webhook's signature is not the payment provider's, or it is older than five minutes"));
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT " + COLUMNS + " FROM top_ups WHERE id = $1 AND provider = $2 FOR UPDATE")
            .execute(Tuple.of(event.topUpId(), payments.name()))
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(ApiError.notFound("there is no top-up " + event.topUpId() + " with this provider"));
              }
              Row topUp = rows.iterator().next();
              if (event.succeeded() && (topUp.getLong("amount") != event.amount() || !currency.equals(event.currency()))) {
                return Future.failedFuture(ApiError.badRequest("the top-up is of " + topUp.getLong("amount") + " " + currency
                    + ", the event says " + event.amount() + " " + event.currency()));
              }
              return conn.preparedQuery("INSERT INTO payment_events (provider, event_id, top_up_id, outcome) VALUES ($1, $2, $3, $4)"
                      + " ON CONFLICT DO NOTHING")
                  .execute(Tuple.of(payments.name(), event.eventId(), event.topUpId(), event.succeeded() ? "succeeded" : "failed"))
                  .compose(recorded -> {
                    String status = topUp.getString("status");
                    if (recorded.rowCount() == 0 || "credited".equals(status)) {
                      return Future.succeededFuture(topUp);
                    }
                    // A success after a failure (the provider retried the payment, and it went through): the money was taken, credit it.
                    if (event.succeeded()) {
                      return credit(conn, event.topUpId(), new UserId(topUp.getUUID("user_id")), topUp.getLong("amount"));
                    }
                    return "pending".equals(status) ? settle(conn, event.topUpId(), "failed") : Future.succeededFuture(topUp);
                  });
            }))
        .map(this::view)
        .onSuccess(topUp -> log.info("payment event {} of {}: top-up {} is {}", event.eventId(), payments.name(), event.topUpId(), topUp.status()));
  }

  /** The top-up credited to its owner's wallet (once: the ledger's key is the top-up) and marked so. */
  private static Future<Row> credit(SqlClient sql, UUID topUp, UserId user, long amount) {
    return Ledger.topUp(sql, topUp, user, amount).compose(posted -> settle(sql, topUp, "credited"));
  }

  private static Future<Row> settle(SqlClient sql, UUID topUp, String status) {
    // Only a credit is final: pending may fail or be credited, failed may yet be credited.
    return sql.preparedQuery("UPDATE top_ups SET status = $2, settled_at = now() WHERE id = $1 AND status <> 'credited' RETURNING " + COLUMNS)
        .execute(Tuple.of(topUp, status))
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture(rows.iterator().next())
            : sql.preparedQuery("SELECT " + COLUMNS + " FROM top_ups WHERE id = $1").execute(Tuple.of(topUp)).map(again -> again.iterator().next()));
  }

  /** The top-up this key made before: the same one again, unless the retry asks for another amount. */
  private static Future<Row> earlier(SqlClient sql, UserId user, String key, long amount) {
    return sql.preparedQuery("SELECT " + COLUMNS + " FROM top_ups WHERE user_id = $1 AND idempotency_key = $2").execute(Tuple.of(user.value(), key))
        .compose(rows -> {
          Row row = rows.iterator().next();
          return row.getLong("amount") == amount ? Future.succeededFuture(row)
              : Future.failedFuture(ApiError.conflict("this Idempotency-Key was used for a top-up of " + row.getLong("amount")
                  + "; use a new key for a new top-up"));
        });
  }

  private TopUp view(Row row) {
    PaymentProvider payments = provider.filter(p -> p.name().equals(row.getString("provider"))).orElse(null);
    return new TopUp(row.getUUID("id"), row.getString("status"), row.getLong("amount"), currency, row.getString("provider"),
        payments != null && payments.demo(), row.getOffsetDateTime("created_at").toInstant(),
        Optional.ofNullable(row.getOffsetDateTime("settled_at")).map(at -> at.toInstant()));
  }
}
