package io.tandem.auth;

import io.tandem.config.ConfigReader;

import java.time.Duration;
import java.util.List;

/**
 * A TURN server sharing {@code secret} with Tandem (coturn's {@code use-auth-secret}): when both
 * {@code secret} and {@code urls} are set, every {@code session.ready} carries a TURN entry with
 * credentials minted for its user, valid for {@code ttl}.
 */
public record TurnConfig(List<String> urls, String secret, Duration ttl) {
  public boolean enabled() {
    return !secret.isEmpty() && !urls.isEmpty();
  }

  public static TurnConfig from(ConfigReader r) {
    List<String> urls = r.strings("urls");
    for (String url : urls) {
      if (!url.matches("turns?:.+")) {
        throw r.problem("urls", "must hold turn: or turns: URLs like turn:turn.example.com:3478?transport=udp, got " + url);
      }
    }
    String secret = r.string("secret");
    if (!urls.isEmpty() && secret.isEmpty()) {
      throw r.problem("secret", "must be set when turn.urls is: it is the static-auth-secret the TURN server shares");
    }
    return new TurnConfig(urls, secret, Duration.ofSeconds(r.intBetween("ttlSeconds", 60, 7 * 24 * 3600)));
  }
}
