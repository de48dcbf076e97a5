package io.tandem.auth;

import io.tandem.wire.JsonInput;
import java.util.regex.Pattern;

/** A validated {@code POST /api/v1/accounts} body. */
public record Registration(String username, String password, Role role, String displayName) {
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]{3,32}");
  static final int MAX_PASSWORD_LENGTH = 128;

  public static Registration from(JsonInput body) {
    String username = body.requiredString("username", 3, 32);
    if (!USERNAME.matcher(username).matches()) {
      throw body.invalid("username", "may use only letters, digits, '.', '_' and '-'");
    }
    String password = body.requiredString("password", 8, MAX_PASSWORD_LENGTH);
    String roleName = body.requiredString("role", 1, 16);
    Role role = Role.fromWire(roleName).filter(r -> r != Role.ADMIN)
        .orElseThrow(() -> body.invalid("role", "must be \"client\" or \"expert\""));
    String displayName = body.requiredString("displayName", 1, 64);
    return new Registration(username, password, role, displayName);
  }
}
