package io.tandem.gateway;

import io.tandem.auth.AuthenticatedUser;
import java.util.UUID;

/** Who sent a frame, and over which connection. */
public record ConnectionContext(AuthenticatedUser user, UUID connectionId) {}
