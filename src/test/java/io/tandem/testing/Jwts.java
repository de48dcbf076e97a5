package io.tandem.testing;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Hand-made JWTs, for proving that the server refuses the ones it should. */
public final class Jwts {
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private Jwts() {}

  public static String hs256(byte[] key, JsonObject claims) {
    String unsigned = part(new JsonObject().put("alg", "HS256").put("typ", "JWT")) + "." + part(claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return unsigned + "." + B64URL.encodeToString(mac.doFinal(unsigned.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token: {@code alg: none} and an empty signature. */
  public static String unsigned(JsonObject claims) {
    return part(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + part(claims) + ".";
  }

  public static byte[] testKey() {
    return Base64.getDecoder().decode(TestConfig.JWT_SECRET_BASE64);
  }

  /** Claims the server would accept, for a user, valid for the next {@code seconds} (negative: expired). */
  public static JsonObject claims(String userId, String role, long seconds) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("sub", userId).put("role", role).put("iss", "tandem").put("aud", "tandem")
        .put("iat", now - 3600).put("exp", now + seconds);
  }

  private static String part(JsonObject json) {
    return B64URL.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }
}
