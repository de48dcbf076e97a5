package io.tandem.auth;

import io.tandem.kernel.UserId;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Issues and checks tokens. Access tokens are short-lived HS256 JWTs carrying {@code sub} (user id)
 * and {@code role}; verification checks signature, {@code exp}, {@code iss} and {@code aud}, and
 * refuses {@code alg: none} (only the configured HMAC key is accepted). Refresh tokens are opaque
 * random strings that rotate on every use.
 */
public final class Tokens {
  private static final String ALGORITHM = "HS256";
  private static final String BEARER = "Bearer ";
  private static final Pattern REFRESH_TOKEN_SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final int CLOCK_SKEW_SECONDS = 5;

  private final JWTAuth jwt;
  private final AuthConfig config;
  private final RefreshTokenRepository refreshTokens;
  private final SecureRandom random = new SecureRandom();

  public Tokens(Vertx vertx, byte[] secret, AuthConfig config, RefreshTokenRepository refreshTokens) {
    this.config = config;
    this.refreshTokens = refreshTokens;
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(Buffer.buffer(secret)))
        .setJWTOptions(new JWTOptions()
            .setIssuer(config.issuer())
            .setAudience(List.of(config.audience()))
            .setLeeway(CLOCK_SKEW_SECONDS)));
  }

  /** The token of an {@code Authorization: Bearer <token>} header, if that is what the header holds. */
  public static Optional<String> bearer(String authorizationHeader) {
    if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    String token = authorizationHeader.substring(BEARER.length()).trim();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  /** A new access token and the first refresh token of a new family (a login). */
  public Future<TokenPair> issue(AuthenticatedUser user) {
    String refreshToken = newRefreshToken();
    return refreshTokens.insert(hash(refreshToken), user.id(), UUID.randomUUID(), Instant.now().plus(config.refreshTokenTtl()))
        .map(v -> pair(user, refreshToken));
  }

  /** Spends a refresh token for a new pair; an unknown, expired or reused token is 401. */
  public Future<TokenPair> refresh(String presented) {
    if (!REFRESH_TOKEN_SHAPE.matcher(presented).matches()) {
      return Future.failedFuture(ApiError.unauthorized("the refresh token is not valid"));
    }
    String next = newRefreshToken();
    return refreshTokens.rotate(hash(presented), hash(next), Instant.now().plus(config.refreshTokenTtl()))
        .compose(owner -> owner
            .map(user -> Future.succeededFuture(pair(user, next)))
            .orElseGet(() -> Future.failedFuture(ApiError.unauthorized("the refresh token is not valid, expired or already used"))));
  }

  /** The user an access token speaks for; a missing, forged or expired token is 401. */
  public Future<AuthenticatedUser> verify(String accessToken) {
    return jwt.authenticate(new TokenCredentials(accessToken))
        .transform(ar -> {
          Optional<AuthenticatedUser> user = ar.succeeded()
              ? fromClaims(ar.result().attributes().getJsonObject("accessToken"))
              : Optional.empty();
          return user.map(Future::succeededFuture)
              .orElseGet(() -> Future.failedFuture(ApiError.unauthorized("the access token is missing, invalid or expired")));
        });
  }

  private static Optional<AuthenticatedUser> fromClaims(JsonObject claims) {
    if (claims == null) {
      return Optional.empty();
    }
    Optional<UserId> id = UserId.parse(claims.getString("sub"));
    Optional<Role> role = Role.fromWire(claims.getString("role"));
    return id.isPresent() && role.isPresent() ? Optional.of(new AuthenticatedUser(id.get(), role.get())) : Optional.empty();
  }

  private TokenPair pair(AuthenticatedUser user, String refreshToken) {
    return new TokenPair(accessToken(user), refreshToken, config.accessTokenTtl().toSeconds());
  }

  /** A signed access token alone, without a refresh token (seeding load tests). */
  public String accessToken(AuthenticatedUser user) {
    return jwt.generateToken(
        new JsonObject().put("sub", user.id().toString()).put("role", user.role().wireName()),
        new JWTOptions()
            .setAlgorithm(ALGORITHM)
            .setIssuer(config.issuer())
            .setAudience(List.of(config.audience()))
            .setExpiresInSeconds((int) config.accessTokenTtl().toSeconds()));
  }

  private String newRefreshToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
