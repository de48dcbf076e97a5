package io.tandem.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The whole configuration, parsed and validated once at start-up. Verticles receive the part they
 * need; nothing reads the environment after this. Keys and defaults: {@code conf/tandem.json};
 * meanings: {@code docs/operations.md}.
 */
public record TandemConfig(
    HttpConfig http,
    DbConfig db,
    ClusterConfig cluster,
    AuthConfig auth,
    MatchingConfig matching,
    SessionConfig session,
    PenaltyConfig penalties,
    RatingConfig ratings,
    LedgerConfig ledger,
    LoadTestConfig loadTest,
    WsConfig ws,
    TurnConfig turn,
    WebhookConfig webhooks,
    PaymentsConfig payments,
    TopicsConfig topics) {

  public static TandemConfig from(JsonObject json) {
    ConfigReader root = new ConfigReader(json, "");
    return new TandemConfig(
        HttpConfig.from(root.section("http")),
        DbConfig.from(root.section("db")),
        ClusterConfig.from(root.section("cluster")),
        AuthConfig.from(root.section("auth")),
        MatchingConfig.from(root.section("matching")),
        SessionConfig.from(root.section("session")),
        PenaltyConfig.from(root.section("penalties")),
        RatingConfig.from(root.section("ratings")),
        LedgerConfig.from(root.section("ledger")),
        LoadTestConfig.from(root.section("loadTest")),
        WsConfig.from(root.section("ws")),
        TurnConfig.from(root.section("turn")),
        WebhookConfig.from(root.section("webhooks")),
        PaymentsConfig.from(root.section("payments")),
        TopicsConfig.from(root.section("topics")));
  }

  /**
   * A TURN server sharing {@code secret} with Tandem (coturn's {@code use-auth-secret}): when both
   * {@code secret} and {@code urls} are set, every {@code session.ready} carries a TURN entry with
   * credentials minted for its user, valid for {@code ttl}.
   */
  public record TurnConfig(List<String> urls, String secret, Duration ttl) {
    public boolean enabled() {
      return !secret.isEmpty() && !urls.isEmpty();
    }

    static TurnConfig from(ConfigReader r) {
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

  /**
   * Lifecycle webhooks (docs/operations.md, "Webhooks"). {@code url}, when set, is a subscription kept
   * in step with this configuration at every start, signed with {@code secret} and limited to
   * {@code events} (empty: all); more come from the admin API. Each node claims up to
   * {@code batchSize} due deliveries every {@code pollInterval}, sends each with {@code timeout},
   * and retries a failure after {@code initialBackoff}, doubling up to {@code maxBackoff}, until
   * the event is {@code giveUpAfter} old. Settled deliveries are kept {@code retention} for the log.
   */
  public record WebhookConfig(String url, String secret, List<String> events, Duration pollInterval, int batchSize,
      Duration timeout, Duration initialBackoff, Duration maxBackoff, Duration giveUpAfter, Duration retention) {
    /** The shortest signing secret taken, from configuration or the admin API. */
    public static final int MIN_SECRET_CHARS = 16;

    public boolean subscribed() {
      return !url.isEmpty();
    }

    /** An absolute http or https URL with a host: what a subscription may point at, from configuration or the admin API. */
    public static boolean validUrl(String url) {
      try {
        URI uri = new URI(url);
        return url.length() <= 2000 && uri.getHost() != null
            && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()));
      } catch (java.net.URISyntaxException e) {
        return false;
      }
    }

    static WebhookConfig from(ConfigReader r) {
      String url = r.string("url");
      if (!url.isEmpty() && !validUrl(url)) {
        throw r.problem("url", "must be an http:// or https:// URL, got " + url);
      }
      String secret = r.string("secret");
      if (!url.isEmpty() && secret.length() < MIN_SECRET_CHARS) {
        throw r.problem("secret", "must be set, " + MIN_SECRET_CHARS + " characters or more, when webhooks.url is: receivers check signatures with it"
            + " (for example whsec_ followed by the output of: openssl rand -base64 32)");
      }
      return new WebhookConfig(url, secret, r.strings("events"),
          Duration.ofMillis(r.intBetween("pollIntervalMs", 10, 60_000)),
          r.intBetween("batchSize", 1, 1000),
          Duration.ofMillis(r.intBetween("timeoutMs", 100, 120_000)),
          Duration.ofMillis(r.intBetween("initialBackoffMs", 10, 3_600_000)),
          Duration.ofMillis(r.intBetween("maxBackoffMs", 10, 86_400_000)),
          Duration.ofMinutes(r.intBetween("giveUpAfterMinutes", 1, 30 * 24 * 60)),
          Duration.ofHours(r.intBetween("retentionHours", 1, 365 * 24)));
    }
  }

  /**
   * {@code port} 0 binds an ephemeral port (tests). {@code webrootDir}, when set, serves the web app
   * from that folder instead of the copy on the classpath, re-read on every request: for working on
   * the app without restarting the server.
   */
  public record HttpConfig(
      String host, int port, int instances, List<String> allowedOrigins, int maxBodyBytes, Duration shutdownGrace,
      Optional<Path> webrootDir) {
    static HttpConfig from(ConfigReader r) {
      List<String> origins = r.strings("allowedOrigins");
      for (String origin : origins) {
        URI uri = parseUri(r, "allowedOrigins", origin);
        if (uri.getScheme() == null || uri.getHost() == null || !(uri.getPath() == null || uri.getPath().isEmpty())) {
          throw r.problem("allowedOrigins", "must hold origins like http://localhost:8080 (scheme, host, optional port, no path), got " + origin);
        }
      }
      return new HttpConfig(
          r.nonEmptyString("host"),
          r.intBetween("port", 0, 65535),
          r.intBetween("instances", 1, 64),
          origins,
          r.intBetween("maxBodyBytes", 1024, 16 * 1024 * 1024),
          Duration.ofSeconds(r.intBetween("shutdownGraceSeconds", 0, 600)),
          webrootDir(r));
    }

    private static Optional<Path> webrootDir(ConfigReader r) {
      String dir = r.string("webrootDir");
      if (dir.isEmpty()) {
        return Optional.empty();
      }
      Path path = Path.of(dir).toAbsolutePath().normalize();
      if (!Files.isDirectory(path)) {
        throw r.problem("webrootDir", "must be an existing folder (or empty to serve the app built into Tandem), got " + dir);
      }
      return Optional.of(path);
    }
  }

  /**
   * An empty {@code url} starts the embedded PostgreSQL. {@code statementTimeout} is PostgreSQL's
   * {@code statement_timeout} on every connection; a caller (an HTTP request, a WebSocket frame)
   * waits at most {@link #callTimeout()} for the database before it is answered {@code unavailable}.
   */
  public record DbConfig(String url, int poolSize, Duration statementTimeout, Duration acquireTimeout, EmbeddedDbConfig embedded) {
    public boolean useEmbedded() {
      return url.isEmpty();
    }

    /** Waiting for a pool connection, then for the statements: the longest a caller is kept waiting. */
    public Duration callTimeout() {
      return acquireTimeout.plus(statementTimeout);
    }

    static DbConfig from(ConfigReader r) {
      String url = r.string("url");
      if (!url.isEmpty()) {
        URI uri = parseUri(r, "url", url);
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme()) || uri.getHost() == null) {
          throw r.problem("url", "must look like postgresql://user:password@host:5432/database");
        }
      }
      return new DbConfig(url, r.intBetween("poolSize", 1, 512),
          Duration.ofMillis(r.intBetween("statementTimeoutMs", 100, 600_000)),
          Duration.ofMillis(r.intBetween("acquireTimeoutMs", 100, 600_000)),
          EmbeddedDbConfig.from(r.section("embedded")));
    }
  }

  /**
   * The embedded PostgreSQL. It always runs durable ({@code fsync}, {@code synchronous_commit} and
   * {@code full_page_writes} on); {@code sharedBuffers}, {@code maxWalSize} and
   * {@code checkpointTimeout} are PostgreSQL's own settings, passed as written ("256MB", "15min").
   */
  public record EmbeddedDbConfig(Path dataDir, int port, String sharedBuffers, String maxWalSize, String checkpointTimeout) {
    /** Defaults for a throw-away database in tests and tools. */
    public static EmbeddedDbConfig at(Path dataDir, int port) {
      return new EmbeddedDbConfig(dataDir, port, "128MB", "1GB", "5min");
    }

    static EmbeddedDbConfig from(ConfigReader r) {
      return new EmbeddedDbConfig(Path.of(r.nonEmptyString("dataDir")), r.intBetween("port", 0, 65535),
          r.nonEmptyString("sharedBuffers"), r.nonEmptyString("maxWalSize"), r.nonEmptyString("checkpointTimeout"));
    }
  }

  /**
   * {@code name} separates clusters that can reach each other (it replaces the Hazelcast file's
   * cluster-name); {@code configFile} is a file path, else a classpath resource; {@code host} is
   * the address the clustered event bus binds and advertises. {@code lease} is how long a node's
   * heartbeat and its matching-shard leases last without renewal: a dead node's shards are taken
   * over, and its connections forgotten, within about that time.
   */
  public record ClusterConfig(boolean enabled, String name, String configFile, String host, Duration lease) {
    static ClusterConfig from(ConfigReader r) {
      return new ClusterConfig(r.bool("enabled"), r.nonEmptyString("name"), r.nonEmptyString("configFile"),
          r.nonEmptyString("host"), Duration.ofSeconds(r.intBetween("leaseSeconds", 2, 300)));
    }
  }

  /**
   * {@code jwtSecret}, when set, is the base64 HMAC key shared by every node (at least 32 bytes);
   * when empty, the key is read from {@code jwtSecretFile}, generated there on first start.
   */
  public record AuthConfig(
      String issuer,
      String audience,
      Duration accessTokenTtl,
      Duration refreshTokenTtl,
      byte[] jwtSecret,
      Path jwtSecretFile,
      PasswordHashConfig passwordHash,
      List<Admin> admins) {
    static AuthConfig from(ConfigReader r) {
      String secret = r.string("jwtSecret");
      byte[] key = null;
      if (!secret.isEmpty()) {
        try {
          key = Base64.getDecoder().decode(secret);
        } catch (IllegalArgumentException e) {
          throw r.problem("jwtSecret", "must be base64");
        }
        if (key.length < 32) {
          throw r.problem("jwtSecret", "must decode to at least 32 bytes, got " + key.length);
        }
      }
      return new AuthConfig(
          r.nonEmptyString("issuer"),
          r.nonEmptyString("audience"),
          Duration.ofSeconds(r.intBetween("accessTokenSeconds", 30, 24 * 3600)),
          Duration.ofDays(r.intBetween("refreshTokenDays", 1, 365)),
          key,
          Path.of(r.nonEmptyString("jwtSecretFile")),
          PasswordHashConfig.from(r.section("passwordHash")),
          r.admins("admins"));
    }
  }

  /**
   * An administrator, configured, never signed up: the account is created or updated at start-up
   * with this username and Argon2id password hash (PHC string, as {@code HashPassword} prints it).
   */
  public record Admin(String username, String passwordHash) {}

  /** Argon2id cost; the defaults are OWASP's minimum (19 MiB, 2 passes, 1 lane). */
  public record PasswordHashConfig(int memoryKib, int iterations, int parallelism) {
    static PasswordHashConfig from(ConfigReader r) {
      return new PasswordHashConfig(
          r.intBetween("memoryKib", 8, 1024 * 1024), r.intBetween("iterations", 1, 100), r.intBetween("parallelism", 1, 16));
    }
  }

  /**
   * Matching: deadlines, the batch window, sharding and the score weights (docs/operations.md).
   * {@code maxDistanceKm} bounds what a request may ask for; {@code defaultEta} is the estimate
   * for a topic that has no matches yet; {@code statusPushInterval} spaces a shard's rounds of
   * queue positions pushed to waiting clients, and {@code statusPushesPerRound} bounds one round.
   * A request is offered only while its client is there: connected over the WebSocket, or, without
   * one, having polled the request within {@code clientPresent}; a client gone (no connection, no
   * poll) for {@code clientGone} has the request cancelled as {@code client_left}.
   */
  public record MatchingConfig(
      Duration offerTimeout,
      Duration requestMaxWait,
      Duration parentTopicAfter,
      Duration batchWindow,
      int shards,
      Duration sweepInterval,
      int candidatesPerRequest,
      int maxBatchRequests,
      double maxDistanceKm,
      Duration defaultEta,
      Duration statusPushInterval,
      int statusPushesPerRound,
      Duration clientGone,
      Duration clientPresent,
      Weights weights) {
    static MatchingConfig from(ConfigReader r) {
      return new MatchingConfig(
          Duration.ofSeconds(r.intBetween("offerTimeoutSeconds", 1, 3600)),
          Duration.ofSeconds(r.intBetween("requestMaxWaitSeconds", 1, 24 * 3600)),
          Duration.ofSeconds(r.intBetween("parentTopicAfterSeconds", 0, 24 * 3600)),
          Duration.ofMillis(r.intBetween("batchWindowMs", 1, 1000)),
          r.intBetween("shards", 1, 1024),
          Duration.ofMillis(r.intBetween("sweepIntervalMs", 100, 60_000)),
          r.intBetween("candidatesPerRequest", 1, 100),
          r.intBetween("maxBatchRequests", 1, 10_000),
          r.doubleBetween("maxDistanceKm", 1, 20_000),
          Duration.ofSeconds(r.intBetween("defaultEtaSeconds", 1, 24 * 3600)),
          Duration.ofMillis(r.intBetween("statusPushIntervalMs", 0, 60_000)),
          r.intBetween("statusPushesPerRound", 1, 1_000_000),
          Duration.ofSeconds(r.intBetween("clientGoneSeconds", 1, 3600)),
          Duration.ofSeconds(r.intBetween("clientPresentSeconds", 1, 3600)),
          Weights.from(r.section("weights")));
    }
  }

  /** How much each part of a candidate's score counts; every part is between 0 and 1 before weighting. */
  public record Weights(double topicFit, double proximity, double rating, double reliability, double acceptance, double fairness,
      double waiting) {
    static Weights from(ConfigReader r) {
      return new Weights(
          r.doubleBetween("topicFit", 0, 100),
          r.doubleBetween("proximity", 0, 100),
          r.doubleBetween("rating", 0, 100),
          r.doubleBetween("reliability", 0, 100),
          r.doubleBetween("acceptance", 0, 100),
          r.doubleBetween("fairness", 0, 100),
          r.doubleBetween("waiting", 0, 100));
    }
  }

  /**
   * Sessions and their rooms. {@code typingInterval}: at most one {@code room.typing} relayed per
   * connection and room in this time; {@code messageBatchMax}: chat messages written per commit at
   * most; {@code messageWriteLanes}: chat batches a node writes at once (each session always in the
   * same lane); {@code iceServers}: sent in {@code session.ready} for WebRTC. An active session
   * ends by itself {@code aloneTimeout} after one participant left the room while the other stayed,
   * or {@code maxDuration} after it started, both told {@code endWarning} before.
   * {@code sweepBatch}: active sessions a sweep ends per transaction.
   */
  public record SessionConfig(
      Duration joinWindow,
      Duration inPersonJoinWindow,
      Duration reconnectGrace,
      Duration lateGrace,
      Duration aloneTimeout,
      Duration maxDuration,
      Duration endWarning,
      int checkinRadiusMeters,
      Duration typingInterval,
      int messageBatchMax,
      int messageWriteLanes,
      int sweepBatch,
      JsonArray iceServers) {
    static SessionConfig from(ConfigReader r) {
      return new SessionConfig(
          Duration.ofSeconds(r.intBetween("joinWindowSeconds", 1, 24 * 3600)),
          Duration.ofSeconds(r.intBetween("inPersonJoinWindowSeconds", 1, 24 * 3600)),
          Duration.ofSeconds(r.intBetween("reconnectGraceSeconds", 0, 3600)),
          Duration.ofSeconds(r.intBetween("lateGraceSeconds", 0, 3600)),
          Duration.ofSeconds(r.intBetween("aloneTimeoutSeconds", 1, 24 * 3600)),
          Duration.ofMinutes(r.intBetween("maxMinutes", 1, 7 * 24 * 60)),
          Duration.ofSeconds(r.intBetween("endWarningSeconds", 0, 3600)),
          r.intBetween("checkinRadiusMeters", 10, 100_000),
          Duration.ofMillis(r.intBetween("typingIntervalMs", 0, 60_000)),
          r.intBetween("messageBatchMax", 1, 10_000),
          r.intBetween("messageWriteLanes", 1, 64),
          r.intBetween("sweepBatch", 1, 10_000),
          r.iceServers("iceServers"));
    }
  }

  /**
   * The reliability policy (DESIGN.md): points per kind of offence, the window they count in, the
   * first offence in the window waived, and suspension once the unwaived points in the window
   * reach {@code suspendAtPoints}. {@code missedOffersOffline} missed offers in a row set an expert offline.
   */
  public record PenaltyConfig(
      int offerTimeoutPoints,
      int missedOffersOffline,
      int expertNoShowPoints,
      int clientNoShowPoints,
      int latePoints,
      int expertLeftPoints,
      Duration window,
      int suspendAtPoints,
      Duration suspension,
      boolean waiveFirstOffence) {
    static PenaltyConfig from(ConfigReader r) {
      return new PenaltyConfig(
          r.intBetween("offerTimeoutPoints", 0, 100),
          r.intBetween("missedOffersOffline", 1, 100),
          r.intBetween("expertNoShowPoints", 0, 100),
          r.intBetween("clientNoShowPoints", 0, 100),
          r.intBetween("latePoints", 0, 100),
          r.intBetween("expertLeftPoints", 0, 100),
          Duration.ofDays(r.intBetween("windowDays", 1, 365)),
          r.intBetween("suspendAtPoints", 1, 1000),
          Duration.ofHours(r.intBetween("suspendHours", 1, 24 * 365)),
          r.bool("waiveFirstOffence"));
    }
  }

  /** Bayesian rating: the average of the stars plus {@code priorWeight} imaginary ratings of {@code priorMean}. */
  public record RatingConfig(double priorMean, int priorWeight) {
    static RatingConfig from(ConfigReader r) {
      return new RatingConfig(r.doubleBetween("priorMean", 1, 5), r.intBetween("priorWeight", 0, 1000));
    }
  }

  /**
   * Money, in minor units of {@code currency} (ISO 4217: CNY's are fen, USD's cents). {@code
   * initialBalance} is what a new client starts with (a welcome credit). A consultation's price is
   * the topic catalogue's (TopicsConfig: the most specific priced topic of its lineage), else
   * {@code defaultPrice}; the platform keeps {@code platformFeePercent} of it and the expert earns
   * the rest. A client who does not show pays {@code clientNoShowFeePercent} of the price.
   */
  public record LedgerConfig(long initialBalance, String currency, long defaultPrice, int platformFeePercent, int clientNoShowFeePercent) {
    static LedgerConfig from(ConfigReader r) {
      return new LedgerConfig(
          r.intBetween("initialBalance", 0, Integer.MAX_VALUE),
          r.currency("currency"),
          r.intBetween("defaultPrice", 0, Integer.MAX_VALUE),
          r.intBetween("platformFeePercent", 0, 100),
          r.intBetween("clientNoShowFeePercent", 0, 100));
    }
  }

  /**
   * Top-ups (docs/operations.md, "Payments"). {@code provider}: {@code demo} credits at once (demo
   * money, the default with the embedded database: {@code auto}), {@code external} leaves a top-up
   * pending until the operator's payment service confirms it with a webhook signed with
   * {@code webhookSecret}, {@code none} takes no top-ups. Amounts from {@code minTopUp} to {@code maxTopUp}.
   */
  public record PaymentsConfig(String provider, String webhookSecret, long minTopUp, long maxTopUp) {
    public static final List<String> PROVIDERS = List.of("auto", "demo", "external", "none");

    /** The provider in effect: {@code auto} is {@code demo} with the embedded database, {@code none} with another. */
    public String effectiveProvider(boolean embeddedDatabase) {
      return provider.equals("auto") ? (embeddedDatabase ? "demo" : "none") : provider;
    }

    static PaymentsConfig from(ConfigReader r) {
      String provider = r.nonEmptyString("provider");
      if (!PROVIDERS.contains(provider)) {
        throw r.problem("provider", "must be one of " + String.join(", ", PROVIDERS) + ", got " + provider);
      }
      String secret = r.string("webhookSecret");
      if (provider.equals("external") && secret.length() < WebhookConfig.MIN_SECRET_CHARS) {
        throw r.problem("webhookSecret", "must be set, " + WebhookConfig.MIN_SECRET_CHARS + " characters or more, when payments.provider is"
            + " external: the payment service signs its confirmations with it (for example whsec_ followed by: openssl rand -base64 32)");
      }
      long min = r.intBetween("minTopUp", 1, Integer.MAX_VALUE);
      long max = r.intBetween("maxTopUp", 1, Integer.MAX_VALUE);
      if (max < min) {
        throw r.problem("maxTopUp", "must not be below payments.minTopUp (" + min + "), got " + max);
      }
      return new PaymentsConfig(provider, secret, min, max);
    }
  }

  /** {@code seedEnabled} mounts {@code POST /api/v1/loadtest/seed}; never on a production server. */
  public record LoadTestConfig(boolean seedEnabled) {
    static LoadTestConfig from(ConfigReader r) {
      return new LoadTestConfig(r.bool("seedEnabled"));
    }
  }

  /**
   * WebSocket limits (docs/operations.md, "WebSocket limits"). The server pings every
   * {@code pingInterval} and closes a connection from which nothing, not even a pong, has arrived
   * for {@code idleTimeout}; a connection being closed has {@code closeTimeout} to answer the close
   * frame before its TCP connection is dropped. A message, and each of its frames, may hold
   * {@code maxFrameBytes}. Each connection may send {@code framesPerSecond} frames on average with
   * bursts up to {@code frameBurst}. Output waits in the server's own queue up to
   * {@code maxQueuedBytes} (past that the reader is too slow and is closed); ahead of that queue
   * the kernel's send buffer is set to {@code sendBufferBytes} and the server hands the network
   * at most that much more, so a close frame never waits behind more than a few times it.
   * {@code perMessageDeflate} accepts clients' offers to compress frames (off: chat frames are
   * small, and each compressed connection holds a compressor and a decompressor).
   */
  public record WsConfig(
      int maxFrameBytes, Duration pingInterval, Duration idleTimeout, Duration closeTimeout, int framesPerSecond, int frameBurst,
      int maxQueuedBytes, int sendBufferBytes, boolean perMessageDeflate, Duration shutdownQuiet) {

    /** The longest a connection whose peer went silent stays open: the idle timeout, then the close handshake it cannot answer. */
    public Duration silentPeerDropped() {
      return idleTimeout.plus(closeTimeout);
    }

    static WsConfig from(ConfigReader r) {
      WsConfig ws = new WsConfig(
          r.intBetween("maxFrameBytes", 256, 16 * 1024 * 1024),
          Duration.ofSeconds(r.intBetween("pingIntervalSeconds", 1, 3600)),
          Duration.ofSeconds(r.intBetween("idleTimeoutSeconds", 2, 7200)),
          Duration.ofMillis(r.intBetween("closeTimeoutMs", 100, 60_000)),
          r.intBetween("framesPerSecond", 1, 100_000),
          r.intBetween("frameBurst", 1, 100_000),
          r.intBetween("maxQueuedBytes", 4096, 256 * 1024 * 1024),
          r.intBetween("sendBufferBytes", 4096, 16 * 1024 * 1024),
          r.bool("perMessageDeflate"),
          Duration.ofMillis(r.intBetween("shutdownQuietMs", 0, 10_000)));
      if (ws.pingInterval.compareTo(ws.idleTimeout) >= 0) {
        // A client that only answers pings would be silent for longer than the timeout between two of them.
        throw r.problem("pingIntervalSeconds", "must be less than ws.idleTimeoutSeconds (" + ws.idleTimeout.toSeconds()
            + "), or connections that are idle but healthy are closed; got " + ws.pingInterval.toSeconds());
      }
      return ws;
    }
  }

  /**
   * Settings that are valid one by one but work against each other; the loader logs each as a
   * warning. Not refused: a test or a demo may well want offers that time out in a second or two,
   * which no idle timeout can undercut.
   */
  public List<String> warnings() {
    List<String> warnings = new java.util.ArrayList<>();
    if (ws.silentPeerDropped().compareTo(matching.offerTimeout()) >= 0) {
      warnings.add("ws.idleTimeoutSeconds (" + ws.idleTimeout().toSeconds() + ") plus ws.closeTimeoutMs (" + ws.closeTimeout().toMillis()
          + ") is not less than matching.offerTimeoutSeconds (" + matching.offerTimeout().toSeconds() + "): an expert whose connection"
          + " froze stays online, and is offered requests that time out against them, for up to "
          + ws.silentPeerDropped().toMillis() + " ms; set ws.idleTimeoutSeconds (and ws.pingIntervalSeconds, below it) lower");
    }
    return List.copyOf(warnings);
  }

  private static URI parseUri(ConfigReader r, String key, String value) {
    try {
      return new URI(value);
    } catch (java.net.URISyntaxException e) {
      throw r.problem(key, "is not a valid URL: " + value);
    }
  }
}
