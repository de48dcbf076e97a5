package io.tandem.matching;

import io.tandem.bus.Addresses;
import io.tandem.bus.PresenceMessages;
import io.tandem.bus.PresenceStatus;
import io.tandem.bus.ServerEvent;
import io.tandem.bus.UserEvent;
import io.tandem.bus.UserEvents;
import io.tandem.kernel.Mode;
import io.tandem.kernel.OfferId;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.RequestStatus;
import io.tandem.kernel.UserId;
import io.tandem.money.Price;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** What matching tells people and the other shards, always after the change is committed. */
public final class MatchingEvents {
  private final EventBus bus;
  private final UserEvents users;
  private final ExpertLoads loads;
  private final SessionReady sessionReady;

  public MatchingEvents(EventBus bus, UserEvents users, ExpertLoads loads, SessionReady sessionReady) {
    this.bus = bus;
    this.users = users;
    this.loads = loads;
    this.sessionReady = sessionReady;
  }

  /**
   * {@code offer}, the one shape whether the offer is new or told again to a connection that came
   * after it: the time left is counted when it is rendered.
   */
  public record OfferShown(MatchingQueries.PendingOfferView offer) implements UserEvent {
    @Override
    public ServerEvent type() {
      return ServerEvent.OFFER;
    }

    @Override
    public JsonObject fields() {
      MatchingQueries.PendingOfferView o = offer;
      return new JsonObject()
        .put("offerId", o.offerId().toString())
        .put("requestId", o.requestId().toString())
        .put("topic", o.topic().value())
        .put("mode", o.mode().wireName())
        .put("distanceKm", Double.isFinite(o.distanceKm()) ? Math.round(o.distanceKm() * 10) / 10.0 : null)
        .put("brief", o.brief())
        .put("client", new JsonObject().put("displayName", o.clientName()))
        .put("expiresAt", o.expiresAt().toString())
        // The same deadline as a duration from now, which needs no agreement between the two clocks.
        .put("expiresInMs", Math.max(0, Duration.between(Instant.now(), o.expiresAt()).toMillis()))
        // What the expert earns if they take it: the price less the platform's fee.
        .put("earns", new JsonObject().put("amount", o.price().expertEarns()).put("currency", o.price().currency()));
    }
  }

  /** {@code offer.revoked}; {@code reason}: timeout, cancelled, expired, expert_offline or client_left. */
  public record OfferRevoked(OfferId offer, String reason) implements UserEvent {
    @Override
    public ServerEvent type() {
      return ServerEvent.OFFER_REVOKED;
    }

    @Override
    public JsonObject fields() {
      return new JsonObject().put("offerId", offer.toString()).put("reason", reason);
    }
  }

  /**
   * {@code request.status}, the one shape whoever sends it; {@code position} null: status only.
   * {@code etaSeconds} is written even when null (no estimate: nobody can take the request);
   * {@code reason} only when the request is not moving, or why it was cancelled; {@code mode} and
   * {@code price} only for an in-person request now served in its fallback mode.
   */
  public record RequestStatusChanged(RequestId request, RequestStatus status, Integer position, Long etaSeconds, String reason, Mode mode,
      Price price) implements UserEvent {
    public static RequestStatusChanged of(RequestId request, RequestStatus status) {
      return new RequestStatusChanged(request, status, null, null, null, null, null);
    }

    /** A request that stands where {@code standing} says. */
    static RequestStatusChanged of(RequestId request, RequestView.Standing standing) {
      return new RequestStatusChanged(request, standing.status(), standing.position().orElse(null), standing.etaSeconds(),
          standing.reason().orElse(null), null, null);
    }

    /** The same status of an in-person request now served in its fallback {@code mode}, at {@code price}. */
    RequestStatusChanged servedAs(Mode fallback, Price now) {
      return new RequestStatusChanged(request, status, position, etaSeconds, reason, fallback, now);
    }

    @Override
    public ServerEvent type() {
      return ServerEvent.REQUEST_STATUS;
    }

    @Override
    public JsonObject fields() {
      JsonObject event = new JsonObject().put("requestId", request.toString()).put("status", status.wireName());
      if (position != null) {
        event.put("position", position).put("etaSeconds", etaSeconds);
      }
      if (reason != null) {
        event.put("reason", reason);
      }
      if (mode != null) {
        event.put("mode", mode.wireName());
      }
      if (price != null) {
        event.put("price", price.toJson());
      }
      return event;
    }
  }

  /** {@code request.expired}: nobody took it in time. */
  public record RequestExpired(RequestId request) implements UserEvent {
    @Override
    public ServerEvent type() {
      return ServerEvent.REQUEST_EXPIRED;
    }

    @Override
    public JsonObject fields() {
      return new JsonObject().put("requestId", request.toString());
    }
  }

  /** {@code request.matched}, to the client: who took it, their rating, and until when to join. */
  public record RequestMatched(RequestId request, UUID session, UserId expert, String expertName, double rating, Instant joinDeadline)
      implements UserEvent {
    @Override
    public ServerEvent type() {
      return ServerEvent.REQUEST_MATCHED;
    }

    @Override
    public JsonObject fields() {
      return new JsonObject()
          .put("requestId", request.toString())
          .put("sessionId", session.toString())
          .put("expert", new JsonObject().put("id", expert.toString()).put("displayName", expertName).put("rating", rating))
          .put("joinDeadline", joinDeadline.toString());
    }
  }

  void offer(UserId expert, OfferId offer, WaitingRequest request, double distanceKm, String brief, String clientName, Instant expiresAt,
      Price price) {
    users.send(expert, new OfferShown(new MatchingQueries.PendingOfferView(offer, request.id(), request.topic(), request.mode(),
        distanceKm, brief, clientName, expiresAt, price)));
  }

  /** @param reason {@code timeout}, {@code cancelled}, {@code expired}, {@code expert_offline} or {@code client_left} */
  void offerRevoked(UserId expert, OfferId offer, String reason) {
    users.send(expert, new OfferRevoked(offer, reason));
  }

  /** {@code request.status} with the status alone. */
  void requestStatus(UserId client, RequestId request, RequestStatus status) {
    users.send(client, RequestStatusChanged.of(request, status));
  }

  void requestStatus(UserId client, QueueStanding.Standing standing) {
    users.send(client, standing.event());
  }

  /** {@code request.status} of an in-person request now served in its fallback mode: it carries the new {@code mode} and {@code price}. */
  void requestFellBack(UserId client, QueueStanding.Standing standing, Mode mode, Price price) {
    users.send(client, standing.event().servedAs(mode, price));
  }

  /** {@code request.status} of a cancelled request, saying why. */
  void requestCancelled(UserId client, RequestId request, CancelReason why) {
    users.send(client, new RequestStatusChanged(request, RequestStatus.CANCELLED, null, null, why.wireName(), null, null));
  }

  void requestExpired(UserId client, RequestId request) {
    users.send(client, new RequestExpired(request));
  }

  /** {@code request.matched} to the client, {@code session.ready} to both. */
  void matched(Acceptance a, double expertRating) {
    users.send(a.clientId(), new RequestMatched(a.requestId(), a.sessionId(), a.expertId(), a.expertName(), expertRating, a.joinDeadline()));
    users.send(a.clientId(), sessionReady(a, a.clientId(), a.expertId(), a.expertName(), "expert"));
    users.send(a.expertId(), sessionReady(a, a.expertId(), a.clientId(), a.clientName(), "client"));
  }

  /** What {@code to} is told: the ICE servers carry TURN credentials minted for them. */
  private SessionReady.Event sessionReady(Acceptance a, UserId to, UserId peer, String peerName, String peerRole) {
    return sessionReady.event(a.sessionId(), a.requestId(), null, a.mode(), a.price(), to, peer, peerName, peerRole, a.joinDeadline());
  }

  /**
   * A timed-out offer: the expert sees it revoked, their penalty, and whether it set them offline;
   * or, when its client was not there, withdrawn as {@code client_left}.
   */
  void timedOut(ClosedOffer offer) {
    if (offer.clientAway()) {
      withdrawnFromAbsentClient(offer);
      return;
    }
    offerRevoked(offer.expertId(), offer.offerId(), "timeout");
    offer.penalty().ifPresent(p -> p.announce(users));
    if (offer.expertWentOffline()) {
      PresenceMessages.announceOffline(users, offer.expertId(), PresenceStatus.offline("missed_offers"));
    }
    loadChanged(offer.expertId());
  }

  /** An offer withdrawn because its client is not there: no penalty, the expert told why. */
  void withdrawnFromAbsentClient(ClosedOffer offer) {
    offerRevoked(offer.expertId(), offer.offerId(), "client_left");
    loadChanged(offer.expertId());
  }

  /** Tells every shard the expert's load as PostgreSQL counts it now. */
  void loadChanged(UserId expert) {
    loads.changed(expert);
  }

  /** Tells a shard's owner, if there is one right now; if not, the next owner reads it from PostgreSQL. */
  void toShard(int shard, JsonObject message) {
    bus.send(Addresses.matchingShard(shard), message);
  }
}
