package io.tandem.auth;

import java.util.Optional;

/** Who an account is. Admins come from configuration; nobody signs up as one. */
public enum Role {
  CLIENT("client"),
  EXPERT("expert"),
  ADMIN("admin");

  private final String wireName;

  Role(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<Role> fromWire(String name) {
    for (Role role : values()) {
      if (role.wireName.equals(name)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
