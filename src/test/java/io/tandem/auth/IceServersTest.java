package io.tandem.auth;

import io.tandem.kernel.UserId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class IceServersTest {
  private static final JsonArray STUN = new JsonArray().add(new JsonObject().put("urls", new JsonArray().add("stun:stun.example.com:3478")));
  private static final Clock NEW_YEAR_2026_MINUS_A_DAY = Clock.fixed(Instant.parse("2025-12-31T00:00:00Z"), ZoneOffset.UTC);
  private static final UserId USER = new UserId(UUID.fromString("0b5e6c1c-0000-4000-8000-000000000001"));

  @Test
  @DisplayName("TURN credentials follow coturn's use-auth-secret: '<expiry>:<user>' and base64 HMAC-SHA1 of it")
  void turnRestCredentials() {
    IceServers servers = new IceServers(STUN, new TurnConfig(List.of("turn:127.0.0.1:3478"), "coturn-shared-secret",
        Duration.ofDays(1)), NEW_YEAR_2026_MINUS_A_DAY);
    JsonArray forUser = servers.forUser(USER);
    assertThat(forUser.getJsonObject(0)).isEqualTo(STUN.getJsonObject(0));
    JsonObject turn = forUser.getJsonObject(1);
    assertThat(turn.getJsonArray("urls").getList()).containsExactly("turn:127.0.0.1:3478");
    assertThat(turn.getString("username")).isEqualTo("1767225600:0b5e6c1c-0000-4000-8000-000000000001");
    // Computed apart: echo -n "$username" | openssl dgst -sha1 -hmac coturn-shared-secret -binary | base64
    assertThat(turn.getString("credential")).isEqualTo("UIO3yWFZDy0mu0CNR+hkgkqosCc=");
  }

  @Test
  @DisplayName("without turn.secret and turn.urls the configured ICE servers go out unchanged")
  void noTurn() {
    IceServers servers = new IceServers(STUN, new TurnConfig(List.of(), "", Duration.ofDays(1)), NEW_YEAR_2026_MINUS_A_DAY);
    assertThat(servers.forUser(USER)).isEqualTo(STUN);
  }
}
