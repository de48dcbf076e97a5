package io.tandem.gateway;

import io.tandem.expert.OfferingChange;
import io.tandem.kernel.OfferId;
import io.tandem.matching.NewRequest;
import io.tandem.matching.OfferService;
import io.tandem.matching.RequestService;
import io.tandem.matching.RequestView;
import io.tandem.presence.PresenceService;
import io.tandem.session.RoomService;
import io.tandem.wire.JsonInput;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** The client frame types of the protocol and who answers each. */
public final class Frames {
  private Frames() {}

  public static FrameDispatcher dispatcher(PresenceService presence, RequestService requests, OfferService offers, RoomService rooms) {
    FrameDispatcher dispatcher = new FrameDispatcher()
        .on("ping", (from, frame) -> Future.succeededFuture(new JsonObject()))
        .on("presence.online", (from, frame) -> {
          PresenceService.requireExpert(from.user());
          return presence.goOnline(from.user(), OfferingChange.read(frame)).map(new JsonObject().put("status", "online"));
        })
        .on("presence.offline", (from, frame) -> presence.goOffline(from.user()).map(new JsonObject().put("status", "offline")))
        .on("offer.accept", (from, frame) -> {
          OfferService.requireExpert(from.user());
          return offers.accept(from.user(), offerId(frame)).map(session -> new JsonObject().put("sessionId", session.toString()));
        })
        .on("offer.decline", (from, frame) -> {
          OfferService.requireExpert(from.user());
          OfferId offer = offerId(frame);
          frame.optionalString("reason", 0, 200);
          return offers.decline(from.user(), offer).map(new JsonObject());
        })
        .on("request.create", (from, frame) -> {
          RequestService.requireClient(from.user());
          NewRequest request = NewRequest.from(frame, requests.limits());
          return requests.create(from.user(), request, frame.optionalString("idempotencyKey", 1, 128).orElse(null)).map(RequestView::createdJson);
        })
        .on("request.open", (from, frame) -> {
          RequestService.requireClient(from.user());
          return requests.openToAll(from.user(), frame.requiredString("requestId", 1, 64)).map(RequestView::toJson);
        })
        .on("request.cancel", (from, frame) -> {
          String id = frame.requiredString("requestId", 1, 64);
          return requests.cancel(from.user(), id).map(cancelled -> RequestView.cancelledJson(id));
        });
    return new RoomFrames(rooms).mount(dispatcher);
  }

  private static OfferId offerId(JsonInput frame) {
    String id = frame.requiredString("offerId", 1, 64);
    return OfferId.parse(id).orElseThrow(() -> frame.invalid("offerId", "is not an offer id"));
  }
}
