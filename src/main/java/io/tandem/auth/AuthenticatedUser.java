package io.tandem.auth;

import io.tandem.kernel.UserId;
/** The caller, as proven by a verified access token. */
public record AuthenticatedUser(UserId id, Role role) {}
