package io.tandem.matching;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.auth.Role;
import io.tandem.bus.Addresses;
import io.tandem.expert.ExpertProfiles;
import io.tandem.kernel.Mode;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.money.Ledger;
import io.tandem.money.Price;
import io.tandem.money.Pricing;
import io.tandem.reliability.Reliability;
import io.tandem.topic.Topics;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clients' consultation requests, from any node: handed to the owner of their shard, which stores
 * each with its next batch of offers (one commit for both) and answers with the queue position
 * and ETA. Without that answer (no owner right now) the request is stored here and will be picked
 * up; the position is then counted in PostgreSQL.
 */
public final class RequestService {
  private static final Logger log = LoggerFactory.getLogger(RequestService.class);
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");
  private static final long SHARD_ANSWER_TIMEOUT_MS = 2000;

  private final Duration longestSession;
  private final Topics topics;
  private final EventBus bus;
  private final RequestRepository repository;
  private final MatchingQueries queries;
  private final MatchingMetrics metrics;
  private final MatchingEvents events;
  private final MatchingConfig config;

  private final Ledger ledger;
  private final Pricing pricing;
  private final Reliability reliability;
  /** Where a request's chosen expert is checked: they must offer what it asks for. */
  private final ExpertProfiles profiles;

  /**
   * {@code longestSession}: session.maxMinutes, what a price pays for at most (told with every quote);
   * {@code topics}: the catalogue a request's topic must be in (topics.listedOnly);
   * {@code profiles}: experts' profiles, for a request that asks for one of them.
   */
  public RequestService(EventBus bus, RequestRepository repository, MatchingQueries queries, MatchingMetrics metrics, MatchingEvents events, MatchingConfig config, Ledger ledger,
      Pricing pricing, Reliability reliability, Duration longestSession, Topics topics, ExpertProfiles profiles) {
    this.profiles = profiles;
    this.longestSession = longestSession;
    this.topics = topics;
    this.reliability = reliability;
    this.ledger = ledger;
    this.pricing = pricing;
    this.bus = bus;
    this.repository = repository;
    this.queries = queries;
    this.metrics = metrics;
    this.events = events;
    this.config = config;
  }

  /**
   * {@code POST /api/v1/requests} and {@code request.create}: priced now (the price held at match),
   * one live request per client ({@code conflict} naming the live one's {@code requestId}).
   *
   * @param idempotencyKey the client's key, or null; the same key again returns the same request
   */
  public Future<RequestView> create(AuthenticatedUser caller, NewRequest request, String idempotencyKey) {
    requireClient(caller);
    if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
      throw ApiError.badRequest("the idempotency key must be 1 to 128 printable ASCII characters without spaces");
    }
    topics.requireListed("topic", request.topic());
    int shard = Shards.of(request.topic(), config.shards());
    Price price = pricing.of(request.topic(), request.mode());
    return queries.findByIdempotencyKey(caller.id(), idempotencyKey)
        .compose(existing -> existing.isPresent()
            ? Future.succeededFuture(new RequestView(existing.get(), Optional.empty(), pricing.currency()))
            : requireOffering(request).compose(v -> reliability.suspendedUntil(caller.id())).compose(suspended -> suspended.isPresent()
                ? Future.failedFuture(ApiError.forbidden("you are suspended until " + suspended.get() + " and cannot request consultations")
                    .with("reason", "suspended").with("suspendedUntil", suspended.get().toString()))
                : ledger.balance(caller.id()).compose(balance -> balance >= price.amount()
                    ? store(caller.id(), request, shard, idempotencyKey, price)
                    : Future.failedFuture(price.unaffordable("a consultation on " + request.topic(), balance)))))
        .recover(failure -> failure instanceof LiveRequestExists live
            ? Future.failedFuture(ApiError.conflict("you already have a request waiting (" + live.live() + "): cancel it or wait for it"
                + " before asking again").with("requestId", live.live().toString()))
            : Future.failedFuture(failure))
        .compose(stored -> {
          RequestRecord record = stored.request();
          log.debug("request {} by client {} on {} ({})", record.id(), caller.id(), record.topic(), record.mode().wireName());
          return stored.standing().isPresent() || !record.waiting()
              ? Future.succeededFuture(stored)
              : standing(record, ShardMessages.queued(record)).map(standing -> new RequestView(record, Optional.of(standing), pricing.currency()));
        });
  }

  /**
   * Stores a new request. The shard owner stores it in the transaction of its next batch of offers,
   * so that the request and its first offer cost one durable commit, not two in series. Where the
   * owner did not store it (no owner right now, no answer in time, a failed batch, or a unique
   * index said no) it is stored here under the same id, which tells which: the request stored by
   * the owner after all, an idempotency key used before, or a live request already.
   */
  private Future<RequestView> store(UserId client, NewRequest request, int shard, String idempotencyKey, Price price) {
    Instant now = Instant.now();
    RequestRecord provisional = new RequestRecord(new RequestId(UUID.randomUUID()), client, request.topic(), shard, request.mode(),
        request.location(), request.maxDistanceKm(), request.brief(), RequestStatus.QUEUED, now, now, now.plus(request.maxWait()), null,
        request.fallbackMode(), price.amount(), price.platformFee(), null, request.expert());
    return bus.<JsonObject>request(Addresses.matchingShard(shard), ShardMessages.store(provisional, idempotencyKey, request.maxWait()),
            new DeliveryOptions().setSendTimeout(SHARD_ANSWER_TIMEOUT_MS))
        .map(reply -> ShardMessages.storedIn(reply.body(), provisional.id()).map(stored -> {
          RequestRecord record = provisional.storedAt(stored);
          // Without a status the owner stopped or lost its lease as it answered: the shard is told below, as for a row stored here.
          return new RequestView(record, reply.body().containsKey("status") ? Optional.of(ShardMessages.standing(reply.body(), record))
              : Optional.empty(), pricing.currency());
        }))
        .otherwise(Optional.empty())
        .compose(storedByOwner -> storedByOwner.map(Future::succeededFuture)
            .orElseGet(() -> repository.insertRequest(provisional.id(), client, request, shard, idempotencyKey, price)
                .map(inserted -> new RequestView(inserted.request(), Optional.empty(), pricing.currency()))))
        .onSuccess(view -> {
          if (view.request().id().equals(provisional.id())) {
            metrics.requestCreated(request.topic());
          }
        });
  }

  /**
   * The expert a request asks for must have a profile offering its mode and its topic or a parent of
   * it (as matching would offer it to them); each miss is a bad request about {@code expertId}.
   */
  private Future<Void> requireOffering(NewRequest request) {
    if (request.expert().isEmpty()) {
      return Future.succeededFuture();
    }
    UserId expert = request.expert().get();
    return profiles.find(expert).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(ApiError.badRequest("expertId " + expert + " is not an expert with a profile"));
      }
      if (!found.get().offering().covers(request.topic(), request.mode())) {
        return Future.failedFuture(ApiError.badRequest("expertId: this expert does not offer " + request.topic() + " by "
            + request.mode().wireName() + "; ask them for one of their topics and modes, or ask without expertId").with("reason", "expert_does_not_offer"));
      }
      return Future.succeededFuture();
    });
  }

  /**
   * {@code POST /api/v1/requests/{id}/open} and {@code request.open}: a request that asked for one
   * expert is offered to everyone from now on (again, it is answered the same; once the request is
   * matched, cancelled or expired, {@code conflict}). The shard is told
   * once PostgreSQL holds it; whichever node owns the request reads the same after a takeover.
   */
  public Future<RequestView> openToAll(AuthenticatedUser caller, String id) {
    if (caller.role() != Role.CLIENT) {
      throw ApiError.forbidden("only the client of a request may open it to every expert");
    }
    RequestId request = RequestId.parse(id).orElseThrow(() -> ApiError.notFound("there is no request " + id));
    return repository.openToAll(caller.id(), request).compose(opened -> {
      if (opened.isEmpty()) {
        return Future.failedFuture(ApiError.notFound("there is no request " + id));
      }
      if (!opened.get().waiting()) {
        return Future.failedFuture(ApiError.conflict("the request is already " + opened.get().status().wireName() + ": nobody is offered it any more"));
      }
      events.toShard(opened.get().shard(), ShardMessages.openedToAll(request));
      log.info("request {} opened to every expert by its client", request);
      return view(opened.get());
    });
  }

  /** Only clients request consultations: the edges ask first, before reading the body. */
  public static void requireClient(AuthenticatedUser caller) {
    if (caller.role() != Role.CLIENT) {
      throw ApiError.forbidden("only clients may request consultations");
    }
  }

  /** What a request's body is read within (matching's configuration): for the edges, which read it. */
  public NewRequest.Limits limits() {
    return NewRequest.Limits.of(config);
  }

  /** What a consultation costs, before asking, and how long it may last at most. */
  public record Quote(Topic topic, Mode mode, Price price, Duration longest) {
    /** {@code GET /api/v1/quotes}: {@code {topic, mode, amount, currency, expertEarns, platformFee, maxMinutes}}. */
    public JsonObject toJson() {
      return new JsonObject().put("topic", topic.value()).put("mode", mode.wireName()).mergeIn(price.toJson())
          .put("maxMinutes", longest.toMinutes());
    }
  }

  /** {@code GET /api/v1/quotes?topic&mode}: what a consultation costs, before asking; no sign-in needed. */
  public Quote quote(Topic topic, Mode mode) {
    topics.requireListed("topic", topic);
    return new Quote(topic, mode, pricing.of(topic, mode), longestSession);
  }

  /**
   * {@code GET /api/v1/me/requests?limit}: the caller's live request first (with its standing),
   * then the newest; polling it is a sign of life, like polling the request itself.
   */
  public Future<List<RequestView>> mine(AuthenticatedUser caller, int limit) {
    if (caller.role() != Role.CLIENT) {
      return Future.succeededFuture(List.of());
    }
    return repository.clientSeen(caller.id())
        .compose(v -> queries.requestsOf(caller.id(), limit))
        .compose(requests -> Future.all(requests.stream().map(this::view).toList()).map(all -> all.<RequestView>list()));
  }

  /** {@code GET /api/v1/requests/{id}}, for its owner only: polling it is a sign of life (the client is there). */
  public Future<RequestView> get(AuthenticatedUser caller, String id) {
    return own(caller, id).compose(record -> (record.waiting() ? repository.clientSeen(caller.id()) : Future.<Void>succeededFuture())
        .compose(v -> view(record)));
  }

  /** A request as its client reads it: while waiting with its standing, once cancelled with why. */
  private Future<RequestView> view(RequestRecord record) {
    return (record.waiting() ? standing(record, ShardMessages.position(record.id())).map(Optional::of)
        : Future.succeededFuture(Optional.<RequestView.Standing>empty()))
        .map(standing -> new RequestView(record, standing, pricing.currency()));
  }

  /** {@code DELETE /api/v1/requests/{id}} and {@code request.cancel}: the request cancelled (again, it is answered the same); 409 once matched. */
  public Future<RequestId> cancel(AuthenticatedUser caller, String id) {
    RequestId request = RequestId.parse(id).orElseThrow(() -> ApiError.notFound("there is no request " + id));
    return cancel(request, caller.id(), CancelReason.CLIENT).compose(outcome -> {
      if (outcome instanceof Cancellation.AlreadyClosed closed && closed.status() != RequestStatus.CANCELLED) {
        return Future.failedFuture(ApiError.conflict("the request is already " + closed.status()));
      } else if (outcome instanceof Cancellation.NotFound) {
        return Future.failedFuture(ApiError.notFound("there is no request " + id));
      }
      return Future.succeededFuture(request);
    });
  }

  /**
   * Cancels a waiting request for {@code why} ({@code client}, when given, must be its client) and
   * tells whom it concerns once committed: a pending offer's expert, the client (every device), the shard.
   */
  public Future<Cancellation> cancel(RequestId request, UserId client, CancelReason why) {
    return repository.cancel(request, client, why).onSuccess(outcome -> announceCancelled(outcome, why));
  }

  /** An operator's cancel, inside their transaction (with its audit record); {@link #announceCancelled} once it committed. */
  public Future<Cancellation> cancel(SqlConnection conn, RequestId request) {
    return repository.cancel(conn, request, null, CancelReason.OPERATOR);
  }

  /** Tells whom a cancellation concerns, once it committed (counted, too). */
  public void announceCancelled(Cancellation outcome, CancelReason why) {
    if (outcome instanceof Cancellation.Cancelled cancelled) {
      metrics.requestsClosed(RequestStatus.CANCELLED, List.of(cancelled.request()));
    }
    if (outcome instanceof Cancellation.Cancelled cancelled) {
      closed(cancelled.request(), why);
    }
  }

  /** The client's request still queued or offered, if any. */
  public Future<java.util.Optional<RequestId>> liveRequestOf(UserId client) {
    return queries.liveRequestOf(client);
  }

  /** A request closed as cancelled for {@code why}, announced. */
  void closed(ClosedRequest request, CancelReason why) {
    log.info("request {} cancelled ({})", request.requestId(), why.wireName());
    request.revoked().ifPresent(offer -> {
      events.offerRevoked(offer.expertId(), offer.offerId(), why == CancelReason.CLIENT_LEFT ? "client_left" : "cancelled");
      events.loadChanged(offer.expertId());
    });
    events.requestCancelled(request.clientId(), request.requestId(), why);
    events.toShard(request.shard(), ShardMessages.requestClosed(request.requestId()));
  }

  // ---- is the client there? (their WebSocket connections, as the gateway tells)

  /**
   * A client connected: a request of theirs held while they were away may be offered again at once,
   * and the connection is told where it stands ({@code request.status}), as a fresh page needs.
   */
  public Future<List<JsonObject>> clientConnected(AuthenticatedUser user) {
    if (user.role() != Role.CLIENT) {
      return Future.succeededFuture(List.of());
    }
    return queries.requestsOf(user.id(), 1).compose(requests -> {
      Optional<RequestRecord> waiting = requests.stream().filter(RequestRecord::waiting).findFirst();
      if (waiting.isEmpty()) {
        return Future.succeededFuture(List.<JsonObject>of());
      }
      RequestRecord record = waiting.get();
      events.toShard(record.shard(), ShardMessages.clientBack(record.id()));
      return standing(record, ShardMessages.position(record.id()))
          .map(standing -> List.of(MatchingEvents.RequestStatusChanged.of(record.id(), standing).frame()));
    });
  }

  /**
   * Clients whose last connection closed (or whose node died, {@code PresenceService}): their
   * waiting request is offered to nobody until they are back, and cancelled if they are not within
   * {@code matching.clientGoneSeconds}.
   */
  public Future<Void> clientsGone(List<UserId> clients) {
    return clients.isEmpty() ? Future.succeededFuture() : repository.clientsAway(clients);
  }

  private Future<RequestRecord> own(AuthenticatedUser caller, String id) {
    ApiError notFound = ApiError.notFound("there is no request " + id);
    return RequestId.parse(id)
        .map(request -> queries.findRequest(request).compose(found -> found
            .filter(r -> r.clientId().equals(caller.id()))
            .map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(notFound))))
        .orElseGet(() -> Future.failedFuture(notFound));
  }

  /**
   * The shard owner's answer, or, while the shard has no owner (a node just died), the position
   * counted in PostgreSQL and no ETA: without the shard's view of the experts there is no honest one.
   */
  private Future<RequestView.Standing> standing(RequestRecord record, JsonObject message) {
    return bus.<JsonObject>request(Addresses.matchingShard(record.shard()), message, new DeliveryOptions().setSendTimeout(SHARD_ANSWER_TIMEOUT_MS))
        .map(reply -> ShardMessages.standing(reply.body(), record))
        .recover(noOwner -> queries.position(record)
            .map(position -> new RequestView.Standing(record.status(), Optional.of(position), null, Optional.empty())));
  }
}
