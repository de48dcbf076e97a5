package io.tandem.auth;

/** The caller, as proven by a verified access token. */
public record AuthenticatedUser(UserId id, Role role) {}
