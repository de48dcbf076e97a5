package io.tandem.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HMAC key that signs access tokens. From {@code auth.jwtSecret} when set; otherwise read from
 * {@code auth.jwtSecretFile}, which is generated (owner-only permissions) on first start. Every node
 * of a cluster must share the key, so a generated one is only right for a single machine.
 */
public final class JwtSecret {
  private static final Logger log = LoggerFactory.getLogger(JwtSecret.class);
  private static final int KEY_BYTES = 32;

  private JwtSecret() {}

  /** Blocking file I/O: call off the event loop. */
  public static byte[] load(AuthConfig config) {
    if (config.jwtSecret() != null) {
      return config.jwtSecret();
    }
    Path file = config.jwtSecretFile().toAbsolutePath();
    try {
      if (!Files.exists(file)) {
        generate(file);
      }
      byte[] key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
      if (key.length < KEY_BYTES) {
        throw new IllegalStateException("the JWT key in " + file + " is shorter than " + KEY_BYTES + " bytes; delete it to generate a new one");
      }
      return key;
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot read the JWT key file " + file + " (auth.jwtSecretFile): " + e.getMessage(), e);
    }
  }

  /** Written to a temporary file and hard-linked into place, so a reader never sees half a key. */
  private static void generate(Path file) throws IOException {
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    Files.createDirectories(file.getParent());
    Path temporary;
    try {
      temporary = Files.createTempFile(file.getParent(), ".jwt-secret", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      temporary = Files.createTempFile(file.getParent(), ".jwt-secret", ".tmp");
    }
    try {
      Files.writeString(temporary, Base64.getEncoder().encodeToString(key), StandardCharsets.US_ASCII);
      Files.createLink(file, temporary);
      log.warn("generated a new JWT signing key in {}. Keep it secret; every node of a cluster must use the same key:"
          + " set auth.jwtSecret (TANDEM_AUTH_JWT_SECRET) on real deployments", file);
    } catch (FileAlreadyExistsException e) {
      // another node on this machine made it first; use theirs
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

}
