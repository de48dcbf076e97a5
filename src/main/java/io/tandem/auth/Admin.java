package io.tandem.auth;

/**
 * An administrator, configured, never signed up: the account is created or updated at start-up
 * with this username and Argon2id password hash (PHC string, as {@code HashPassword} prints it).
 */
public record Admin(String username, String passwordHash) {}
