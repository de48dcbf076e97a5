package io.tandem.matching;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.auth.Role;
import io.tandem.bus.Addresses;
import io.tandem.config.TandemConfig.LedgerConfig;
import io.tandem.config.TandemConfig.MatchingConfig;
import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.RequestId;
import io.tandem.reliability.Ledger;
import io.tandem.reliability.Reliability;
import io.tandem.wire.ApiError;
import io.tandem.wire.JsonInput;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clients' consultation requests, from any node: stored first, then handed to the owner of their
 * shard, which answers with the queue position and ETA. Without an answer (no owner right now)
 * the request is still stored and will be picked up; the position is then counted in PostgreSQL.
 */
public final class RequestService {
  private static final Logger log = LoggerFactory.getLogger(RequestService.class);
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");
  private static final long SHARD_ANSWER_TIMEOUT_MS = 2000;

  private final EventBus bus;
  private final MatchingRepository repository;
  private final MatchingEvents events;
  private final MatchingConfig config;

  private final Ledger ledger;
  private final LedgerConfig money;
  private final Reliability reliability;

  public RequestService(EventBus bus, MatchingRepository repository, MatchingEvents events, MatchingConfig config, Ledger ledger,
      LedgerConfig money, Reliability reliability) {
    this.reliability = reliability;
    this.ledger = ledger;
    this.money = money;
    this.bus = bus;
    this.repository = repository;
    this.events = events;
    this.config = config;
  }

  /**
   * {@code POST /api/v1/requests} and {@code request.create}.
   *
   * @param idempotencyKey the client's key, or null; the same key again returns the same request
   * @return {@code {id, status, position, etaSeconds, expiresAt}}
   */
  public Future<JsonObject> create(AuthenticatedUser caller, JsonInput body, String idempotencyKey) {
    if (caller.role() != Role.CLIENT) {
      throw ApiError.forbidden("only clients may request consultations");
    }
    if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
      throw ApiError.badRequest("the idempotency key must be 1 to 128 printable ASCII characters without spaces");
    }
    NewRequest request = NewRequest.from(body, config);
    int shard = Shards.of(request.topic(), config.shards());
    long price = money.priceOf(request.topic().root());
    return repository.findByIdempotencyKey(caller.id(), idempotencyKey)
        .compose(existing -> existing.isPresent()
            ? Future.succeededFuture(existing.get())
            : reliability.suspendedUntil(caller.id()).compose(suspended -> suspended.isPresent()
                ? Future.failedFuture(ApiError.forbidden("you are suspended until " + suspended.get() + " and cannot request consultations"))
                : ledger.balance(caller.id()).compose(balance -> balance >= price
                    ? repository.insertRequest(caller.id(), request, shard, idempotencyKey)
                    : Future.failedFuture(ApiError.conflict("a consultation on " + request.topic().root() + " costs " + price
                        + " and your balance is " + balance)))))
        .compose(record -> {
          log.debug("request {} by client {} on {} ({})", record.id(), caller.id(), record.topic(), record.mode().wireName());
          Future<JsonObject> standing = record.waiting()
              ? ask(record, ShardMessages.queued(record))
              : Future.succeededFuture(new JsonObject());
          return standing.map(s -> summary(record, s).put("expiresAt", record.expiresAt().toString()));
        });
  }

  /** {@code GET /api/v1/requests/{id}}, for its owner only. */
  public Future<JsonObject> get(AuthenticatedUser caller, String id) {
    return own(caller, id).compose(record -> (record.waiting() ? ask(record, ShardMessages.position(record.id())) : Future.succeededFuture(new JsonObject()))
        .map(standing -> {
          JsonObject view = summary(record, standing)
              .put("topic", record.topic().value())
              .put("mode", record.mode().wireName())
              .put("createdAt", record.createdAt().toString())
              .put("expiresAt", record.expiresAt().toString());
          if (record.sessionId() != null) {
            view.put("sessionId", record.sessionId().toString());
          }
          return view;
        }));
  }

  /** {@code DELETE /api/v1/requests/{id}} and {@code request.cancel}: 409 once matched. */
  public Future<JsonObject> cancel(AuthenticatedUser caller, String id) {
    RequestId request = RequestId.parse(id).orElseThrow(() -> ApiError.notFound("there is no request " + id));
    return repository.cancel(request, caller.id()).compose(outcome -> {
      if (outcome instanceof MatchingRepository.Cancellation.Cancelled cancelled) {
        log.info("request {} cancelled by its client", request);
        cancelled.request().revoked().ifPresent(offer -> {
          events.offerRevoked(offer.expertId(), offer.offerId(), "cancelled");
          events.loadChanged(offer.expertId());
        });
        events.toShard(cancelled.request().shard(), ShardMessages.requestClosed(request));
      } else if (outcome instanceof MatchingRepository.Cancellation.AlreadyClosed closed && closed.status() != RequestStatus.CANCELLED) {
        return Future.failedFuture(ApiError.conflict("the request is already " + closed.status()));
      } else if (outcome instanceof MatchingRepository.Cancellation.NotFound) {
        return Future.failedFuture(ApiError.notFound("there is no request " + id));
      }
      return Future.succeededFuture(identified(id).put("status", RequestStatus.CANCELLED.wireName()));
    });
  }

  private Future<RequestRecord> own(AuthenticatedUser caller, String id) {
    ApiError notFound = ApiError.notFound("there is no request " + id);
    return RequestId.parse(id)
        .map(request -> repository.findRequest(request).compose(found -> found
            .filter(r -> r.clientId().equals(caller.id()))
            .map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(notFound))))
        .orElseGet(() -> Future.failedFuture(notFound));
  }

  /**
   * The shard owner's answer, or, while the shard has no owner (a node just died), the position
   * counted in PostgreSQL and no ETA: without the shard's view of the experts there is no honest one.
   */
  private Future<JsonObject> ask(RequestRecord record, JsonObject message) {
    return bus.<JsonObject>request(Addresses.matchingShard(record.shard()), message, new DeliveryOptions().setSendTimeout(SHARD_ANSWER_TIMEOUT_MS))
        .map(reply -> reply.body())
        .recover(noOwner -> repository.position(record).map(position -> new JsonObject()
            .put("status", record.status().wireName())
            .put("position", position)
            .putNull("etaSeconds")));
  }

  /**
   * A request's id under both names: HTTP answered {@code id} and WebSocket {@code requestId} for
   * the same thing; both keep their old name and gain the other, so either reads the same shape.
   */
  private static JsonObject identified(String id) {
    return new JsonObject().put("id", id).put("requestId", id);
  }

  private static JsonObject summary(RequestRecord record, JsonObject standing) {
    JsonObject view = identified(record.id().toString()).put("status", standing.getString("status", record.status().wireName()));
    if (standing.containsKey("position")) {
      view.put("position", standing.getInteger("position")).put("etaSeconds", standing.getLong("etaSeconds"));
    }
    if (standing.containsKey("reason")) {
      view.put("reason", standing.getString("reason"));
    }
    return view;
  }
}
