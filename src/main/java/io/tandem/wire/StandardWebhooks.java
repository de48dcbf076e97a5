package io.tandem.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhooks the way the Standard Webhooks specification does (standardwebhooks.com), for the
 * lifecycle webhooks Tandem sends and the payment confirmations it receives, so that both sides can
 * check them with its libraries or a few lines of their own: the signature is
 * {@code v1,} + base64 of HMAC-SHA256 over {@code <webhook-id>.<webhook-timestamp>.<body>}. The
 * timestamp is signed with the body, so a receiver that refuses old timestamps (five minutes is
 * usual) is safe from replays of captured deliveries.
 *
 * <p>A secret of the form {@code whsec_<base64>} is the key's bytes in base64, as the specification
 * has it; any other secret is taken as its UTF-8 bytes.
 */
public final class StandardWebhooks {
  static final String PREFIX = "whsec_";
  /** How far a received webhook's timestamp may be from now: the specification's usual five minutes. */
  public static final long TOLERANCE_SECONDS = 300;
  private static final SecureRandom RANDOM = new SecureRandom();

  private StandardWebhooks() {}

  /** A new secret: 32 random bytes, in the specification's form. */
  public static String newSecret() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  public static String sign(String secret, String id, long timestampSeconds, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
      byte[] digest = mac.doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  /**
   * Whether a received webhook is genuine and fresh: {@code signatures} (the {@code webhook-signature}
   * header, one or more {@code v1,<base64>} separated by spaces) holds the signature of
   * {@code id}, {@code timestamp} and {@code body} with {@code secret} (compared in constant time),
   * and the timestamp is within {@link #TOLERANCE_SECONDS} of {@code nowSeconds}.
   */
  public static boolean verify(String secret, String id, String timestamp, String body, String signatures, long nowSeconds) {
    if (id == null || timestamp == null || signatures == null || body == null) {
      return false;
    }
    long sent;
    try {
      sent = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(nowSeconds - sent) > TOLERANCE_SECONDS) {
      return false;
    }
    byte[] expected = sign(secret, id, sent, body).getBytes(StandardCharsets.UTF_8);
    boolean found = false;
    for (String candidate : signatures.trim().split(" +")) {
      found |= java.security.MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8));
    }
    return found;
  }

  private static byte[] key(String secret) {
    if (secret.startsWith(PREFIX)) {
      try {
        return Base64.getDecoder().decode(secret.substring(PREFIX.length()));
      } catch (IllegalArgumentException notBase64) {
        // not the specification's form after all: the whole string is the key
      }
    }
    return secret.getBytes(StandardCharsets.UTF_8);
  }
}
