package io.tandem;

import io.tandem.auth.Role;
import io.tandem.gateway.ConnectionContext;
import io.tandem.gateway.ConnectionListener;
import io.tandem.matching.OfferService;
import io.tandem.matching.RequestService;
import io.tandem.presence.PresenceService;
import io.tandem.session.RoomService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the features do as a user's connection opens and closes. Presence learns of every
 * connection; matching of clients coming and going (a waiting request is only offered while its
 * client is there); rooms of closed ones, once presence has forgotten them. A new connection is
 * greeted with the user's state: presence, pending offers, a waiting request, sessions still open.
 */
final class UserConnections implements ConnectionListener {
  private static final Logger log = LoggerFactory.getLogger(UserConnections.class);

  private final PresenceService presence;
  private final RequestService requests;
  private final OfferService offers;
  private final RoomService rooms;

  UserConnections(PresenceService presence, RequestService requests, OfferService offers, RoomService rooms) {
    this.presence = presence;
    this.requests = requests;
    this.offers = offers;
    this.rooms = rooms;
  }

  @Override
  public Future<List<JsonObject>> opened(ConnectionContext c) {
    return presence.connected(c.user(), c.connectionId())
        .compose(v -> requests.clientConnected(c.user()))
        .compose(request -> Future.all(presence.greeting(c.user()), offers.greeting(c.user()), rooms.greeting(c.user()))
            .map(rest -> {
              List<JsonObject> greeting = new ArrayList<>();
              for (int i = 0; i < rest.size(); i++) {
                greeting.addAll(rest.<List<JsonObject>>resultAt(i));
              }
              greeting.addAll(request);
              return greeting;
            })
            // A greeting is a convenience: the connection works without it (the app also asks over HTTP).
            .otherwise(failure -> {
              log.warn("connection {} of user {} not greeted: {}", c.connectionId(), c.user().id(), failure.toString());
              return request;
            }));
  }

  @Override
  public Future<Void> closed(ConnectionContext c, boolean silent) {
    return presence.disconnected(c.user(), c.connectionId(), silent)
        .compose(lastOne -> lastOne && c.user().role() == Role.CLIENT ? requests.clientsGone(List.of(c.user().id())) : Future.<Void>succeededFuture())
        .eventually(() -> rooms.connectionClosed(c.user(), c.rooms()));
  }
}
