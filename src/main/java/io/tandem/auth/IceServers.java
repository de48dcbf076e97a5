package io.tandem.auth;

import io.tandem.kernel.UserId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ICE servers one user gets in {@code session.ready}: the configured {@code session.iceServers}
 * as they are, plus, when {@code turn.secret} and {@code turn.urls} are set, a TURN entry with
 * credentials minted for this user that expire after {@code turn.ttlSeconds}.
 *
 * <p>The credentials follow the TURN REST API convention that coturn's {@code use-auth-secret}
 * checks: the username is {@code <unix expiry>:<userId>}, the credential is
 * {@code base64(HMAC-SHA1(turn.secret, username))}. The TURN server needs only the shared secret,
 * no user list; a leaked credential stops working at its expiry, and names whose it was.
 */
public final class IceServers {
  private final JsonArray configured;
  private final TurnConfig turn;
  private final Clock clock;

  public IceServers(JsonArray configured, TurnConfig turn, Clock clock) {
    this.configured = configured.copy();
    this.turn = turn;
    this.clock = clock;
  }

  public JsonArray forUser(UserId user) {
    JsonArray servers = configured.copy();
    if (turn.enabled()) {
      String username = (clock.instant().getEpochSecond() + turn.ttl().toSeconds()) + ":" + user;
      servers.add(new JsonObject()
          .put("urls", new JsonArray(turn.urls()))
          .put("username", username)
          .put("credential", credential(turn.secret(), username)));
    }
    return servers;
  }

  /** {@code base64(HMAC-SHA1(secret, username))}, as coturn computes it for {@code use-auth-secret}. */
  static String credential(String secret, String username) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA1 is part of every JDK", e);
    }
  }
}
