package io.tandem.gateway;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.session.RoomMembership;
import java.util.UUID;

/** Who sent a frame, over which connection, and the rooms that connection has joined (its own, touched on its event loop only). */
public record ConnectionContext(AuthenticatedUser user, UUID connectionId, RoomMembership rooms) {}
