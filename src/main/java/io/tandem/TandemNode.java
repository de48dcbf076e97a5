package io.tandem;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tandem.api.ApiVerticle;
import io.tandem.api.HttpApi;
import io.tandem.api.HttpConfig;
import io.tandem.auth.AccountRepository;
import io.tandem.auth.AuthFeature;
import io.tandem.auth.JwtSecret;
import io.tandem.auth.PasswordHasher;
import io.tandem.booking.BookingFeature;
import io.tandem.booking.BookingRepository;
import io.tandem.bus.ClusterSetup;
import io.tandem.bus.UserEvents;
import io.tandem.db.Database;
import io.tandem.db.DatabaseOutages;
import io.tandem.directory.ExpertDirectory;
import io.tandem.expert.ExpertProfileRepository;
import io.tandem.gateway.Frames;
import io.tandem.gateway.WebSocketGateway;
import io.tandem.kernel.SessionId;
import io.tandem.loadtest.Seeder;
import io.tandem.mail.Mailer;
import io.tandem.matching.MatchingFeature;
import io.tandem.money.MoneyFeature;
import io.tandem.operator.OperatorFeature;
import io.tandem.presence.PresenceFeature;
import io.tandem.presence.PresenceRepository;
import io.tandem.reliability.ReliabilityFeature;
import io.tandem.session.ChatMessage;
import io.tandem.session.SessionFeature;
import io.tandem.session.SessionRepository;
import io.tandem.topic.TopicFeature;
import io.tandem.webhook.WebhookFeature;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Tandem node: Vert.x (clustered or not), the database pool and every verticle. The
 * process entry point is {@link Main}; tests start several nodes in one JVM through {@link #start}.
 */
public final class TandemNode {
  private static final Logger log = LoggerFactory.getLogger(TandemNode.class);
  private static final long READY_CHECK_TIMEOUT_MS = 2000;
  /** The heartbeat and the lease tick each hold at most one connection at a time. */
  private static final int LEASE_CONNECTIONS = 2;
  /** Webhook delivery claims and settles a batch per round, one statement at a time. */
  private static final int WEBHOOK_CONNECTIONS = 2;

  private final Vertx vertx;
  /** Requests, matching, presence, sweeps: everything but chat writes and lease renewals. */
  private final Pool pool;
  /**
   * Chat batches, one connection per write lane: a burst of chat never queues matching or
   * reconciliation behind it, nor the other way round.
   */
  private final Pool chatPool;
  /** Heartbeats and shard leases, so that load can never starve a renewal into a lost lease. */
  private final Pool leasePool;
  /**
   * The webhook outbox's claims and settlements, so that delivering events (two writes a round)
   * never queues the requests and matching that make them, however many wait.
   */
  private final Pool webhookPool;
  private final DatabaseOutages outages;
  private final HazelcastClusterManager clusterManager;
  /** Identifies this node in PostgreSQL (heartbeats, shard leases, connections); new at every start. */
  private final String nodeId = UUID.randomUUID().toString();
  private final List<String> deployments = new ArrayList<>();
  private int httpPort;
  private HttpApi api;
  /** Booking reminders by e-mail; made at start, closed at stop. */
  private Mailer mailer;

  private TandemNode(Vertx vertx, Database database, TandemConfig config, HazelcastClusterManager clusterManager) {
    this.vertx = vertx;
    this.pool = database.pool(vertx, "tandem", config.db().poolSize());
    this.chatPool = database.pool(vertx, "tandem-chat", config.session().messageWriteLanes());
    this.leasePool = database.pool(vertx, "tandem-leases", LEASE_CONNECTIONS);
    this.webhookPool = database.pool(vertx, "tandem-webhooks", WEBHOOK_CONNECTIONS);
    this.outages = new DatabaseOutages(vertx, pool, config.db().callTimeout());
    this.clusterManager = clusterManager;
  }

  /**
   * Starts a node against the database at {@code databaseUrl}, migrating its schema first.
   * When anything fails, whatever was started is closed again and the future fails.
   */
  public static Future<TandemNode> start(TandemConfig config, String databaseUrl) {
    PrometheusMeterRegistry metrics = Metrics.registry();
    VertxOptions options = new VertxOptions()
        // HTTP series by route template (/api/v1/requests/:id), not by raw path: bounded, and readable. No raw TCP
        // client series: Vert.x gives the database's and the webhook sender's connections the same unnamed gauge
        // (a warning at every start), and vertx_pool_* and vertx_http_client_* say what matters of both.
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true).addLabels(Label.HTTP_ROUTE)
            .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT));
    VertxBuilder builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory(metrics));
    HazelcastClusterManager clusterManager = null;
    Future<Vertx> started;
    if (config.cluster().enabled()) {
      clusterManager = new HazelcastClusterManager(ClusterSetup.hazelcastConfig(config.cluster()));
      options.setEventBusOptions(new EventBusOptions()
          .setHost(config.cluster().host())
          .setClusterPublicHost(config.cluster().host()));
      log.info("joining cluster {} ({})", config.cluster().name(), config.cluster().configFile());
      started = builder.with(options).withClusterManager(clusterManager).buildClustered();
    } else {
      started = Future.succeededFuture(builder.with(options).build());
    }
    HazelcastClusterManager cluster = clusterManager;
    Database database = Database.at(databaseUrl, config.db().statementTimeout());
    // Context-free, like close(): after a failed start the node's event loops are closed, and a
    // future bound to one of them could never be completed (start-up would hang, not fail).
    Promise<TandemNode> result = Promise.promise();
    started.onFailure(result::fail).onSuccess(vertx -> {
      TandemNode node = new TandemNode(vertx, database, config, cluster);
      node.deploy(config, database, metrics).onComplete(deployed -> {
        if (deployed.succeeded()) {
          result.complete(node);
        } else {
          node.close().onComplete(closed -> result.fail(deployed.cause()));
        }
      });
    });
    return result.future();
  }

  private record Secrets(byte[] jwtSecret, PasswordHasher hasher) {}

  /**
   * Migrates, then deploys in dependency order: the node announces itself (its connections are
   * only trusted while its heartbeat lives), matching and presence start, and the HTTP server
   * opens last, when everything it routes to is ready.
   */
  private Future<Void> deploy(TandemConfig config, Database database, PrometheusMeterRegistry metrics) {
    return vertx.executeBlocking(() -> {
          database.migrate();
          database.checkDurable();
          return new Secrets(JwtSecret.load(config.auth()), new PasswordHasher(config.auth().passwordHash()));
        })
        .compose(secrets -> {
          // Features in dependency order, each built in one place; built once and shared: what every
          // feature uses to reach users.
          UserEvents users = new UserEvents(vertx);
          TopicFeature topics = TopicFeature.build(vertx, pool, config.topics());
          MoneyFeature money = MoneyFeature.build(pool, config.ledger(), config.payments(), config.db().useEmbedded(), topics.topics()::price);
          ReliabilityFeature reliability = ReliabilityFeature.build(pool, config.penalties(), config.ratings(), PresenceRepository::suspended,
              AccountRepository.SUSPENSIONS);
          AuthFeature auth = AuthFeature.build(vertx, pool, config.auth(), config.ledger().initialBalance(), secrets.jwtSecret(), secrets.hasher(), money.ledger());
          ExpertProfileRepository profiles = new ExpertProfileRepository(pool);
          PresenceFeature presence = PresenceFeature.build(vertx, pool, config.penalties(), config.session().reconnectGrace(), config.cluster().lease(),
              nodeId, profiles, users, reliability.reliability(),
              reliability.rating(), metrics, topics.topics());
          MatchingFeature matching = MatchingFeature.build(vertx, pool, leasePool, config.matching(), config.penalties(), config.cluster().lease(),
              config.session().terms(), config.turn(), config.topics().roots(), nodeId, users, reliability, money, presence.store(),
              SessionRepository::open, outages, metrics, topics.topics(), profiles);
          SessionFeature sessions = SessionFeature.build(vertx, pool, chatPool, config.session(), reliability.penalties(), money.pricing(), users,
              matching.loads(), matching.requeue(), metrics, matching.sessionReady());
          OperatorFeature operator = OperatorFeature.build(pool, money, reliability, sessions, matching.requests(), AccountRepository.SUSPENSIONS,
              PresenceRepository::suspended, users, topics.topics());

          WebSocketGateway gateway = new WebSocketGateway(vertx, auth.tokens(), config.http().allowedOrigins(), config.ws(),
              Frames.dispatcher(presence.service(), matching.requests(), matching.offers(), sessions.rooms()),
              new UserConnections(presence.service(), matching.requests(), matching.offers(), sessions.rooms()),
              (reader, session, afterSeq, limit) -> SessionId.parse(session)
                  .map(id -> sessions.rooms().messagesAfter(reader.user(), id, afterSeq, limit)
                      .map(page -> page.stream().map(ChatMessage::frame).toList()))
                  .orElseGet(() -> Future.succeededFuture(List.of())),
              outages, metrics);
          WebhookFeature webhooks = WebhookFeature.build(webhookPool, config.webhooks(), outages, metrics);
          Optional<Seeder> seeder = config.loadTest().seedEnabled()
              ? Optional.of(new Seeder(vertx, pool, auth.hasher(), auth.tokens(), config.ledger()))
              : Optional.empty();
          seeder.ifPresent(s -> log.warn("loadTest.seedEnabled is on: POST /api/v1/loadtest/seed creates accounts without authentication"));
          BookingRepository booked = BookingFeature.repository(pool, money);
          ExpertDirectory directory = new ExpertDirectory(pool, profiles, reliability.reliability(), reliability.ratings(), reliability.rating(),
              matching.stats(), topics.topics(), money.pricing(), config.ratings(), config.availability(), booked::bookedBetween);
          mailer = Mailer.create(vertx, config.mail());
          BookingFeature bookings = BookingFeature.build(pool, booked, config.bookings(), directory, money, reliability, matching,
              config.session(), SessionRepository::openBooked, users, mailer, nodeId, metrics);
          HttpApi api = new HttpApi(config.http(), auth, directory, bookings.bookings(), matching, sessions, reliability, money, seeder, operator,
              this::readiness, outages, metrics, webhooks.admin());
          this.api = api;
          // Every node-wide sweep, in one place, run by one verticle.
          Map<String, Supplier<Future<Void>>> sweeps = new LinkedHashMap<>();
          // Connections of dead nodes forgotten: their clients are away from then on (matching's clock for client_left).
          sweeps.put("presence", () -> presence.service().sweep().compose(matching.requests()::clientsGone));
          sweeps.put("rooms", sessions.rooms()::sweep);
          sweeps.put("session endings", sessions.outcomes()::sweep);
          // Bookings whose start has come open their sessions (before the join windows' sweep reads them next round).
          sweeps.put("bookings due", bookings.bookings()::openDue);
          sweeps.put("booking reminders", bookings.reminders()::sweep);
          sweeps.put("experts online", presence.online()::sample);
          sweeps.put("webhook outbox", webhooks.backlog()::sweep);
          // A change announced while this node could not hear it (it was starting, or cut off) is read here.
          sweeps.put("topic catalogue", topics.topics()::refresh);
          return (vertx.isClustered() ? UserEvents.relay(vertx) : Future.<Void>succeededFuture())
              .compose(v -> topics.topics().seedAndLoad())
              .compose(v -> auth.accounts().ensureAdmins(config.auth().admins()))
              .compose(v -> webhooks.store().syncConfigured(config.webhooks()))
              .compose(v -> matching.leases().heartbeat())
              .compose(v -> deployOne(matching.verticle()))
              .compose(v -> deployOne(webhooks.dispatcher()))
              .compose(v -> deployOne(new Sweeper(config.matching().sweepInterval(), sweeps, outages)))
              .compose(v -> deployHttp(config.http(), config.ws()::applyTo, api, gateway));
        });
  }

  private Future<Void> deployOne(io.vertx.core.Deployable verticle) {
    return vertx.deployVerticle(verticle).map(id -> {
      deployments.add(id);
      return null;
    });
  }

  /**
   * Every instance shares one port. Port 0 (tests) is resolved to a free port first, so that the
   * instances share it rather than each binding a random port of its own.
   */
  private Future<Void> deployHttp(HttpConfig http, UnaryOperator<HttpServerOptions> webSocketLimits, HttpApi api, WebSocketGateway gateway) {
    int port;
    try {
      port = http.port() != 0 ? http.port() : freePort(http.host());
    } catch (java.io.IOException e) {
      return Future.failedFuture(e);
    }
    httpPort = port;
    return vertx.deployVerticle(() -> new ApiVerticle(http, webSocketLimits, port, api, gateway), new DeploymentOptions().setInstances(http.instances()))
        .<Void>map(id -> {
          deployments.add(id);
          return null;
        })
        .recover(e -> Future.failedFuture(e instanceof java.net.BindException || String.valueOf(e.getMessage()).contains("Address already in use")
            ? new IllegalStateException("port " + port + " on " + http.host() + " is already in use; stop what holds it or set http.port"
                + " (TANDEM_HTTP_PORT) to a free port")
            : e));
  }

  private static int freePort(String host) throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      return socket.getLocalPort();
    }
  }

  /**
   * Each dependency and whether it is up ({@code "up"}, or {@code "down: <reason>"}, safe to
   * show): the database answers a query within {@value #READY_CHECK_TIMEOUT_MS} ms, and when
   * clustered, this node is a member of the cluster.
   */
  public Future<Map<String, String>> readiness() {
    // A known outage is not over because a read works: a full disk answers SELECT 1 while every
    // write fails. DatabaseOutages ends it when its probe succeeds (a write, then).
    Future<String> database = outages.isDown()
        ? Future.succeededFuture("down: " + outages.lastReason())
        : pool.query("SELECT 1").execute()
            .timeout(READY_CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
            .map(rows -> "up")
            .otherwise(e -> "down: " + (outages.isDown() ? outages.lastReason() : "no answer within " + READY_CHECK_TIMEOUT_MS + " ms"));
    return database.map(state -> {
      Map<String, String> checks = new LinkedHashMap<>();
      checks.put("database", state);
      if (clusterManager != null) {
        checks.put("cluster", clusterManager.isActive() ? "up" : "down: this node is not part of the cluster");
      }
      return checks;
    });
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  public String nodeId() {
    return nodeId;
  }

  /**
   * A router with the routes every HTTP instance of this node serves, built by the same
   * {@link HttpApi}: for tests that hold the contract documents against what is really routed.
   */
  public io.vertx.ext.web.Router router() {
    return api.router(vertx);
  }

  public int httpPort() {
    return httpPort;
  }

  /**
   * Graceful stop: the HTTP servers stop accepting and let in-flight requests finish (up to
   * {@code http.shutdownGraceSeconds}), then the pool closes, then Vert.x leaves the cluster.
   */
  public Future<Void> close() {
    // The undeploy futures belong to an event loop that is gone once Vert.x is closed, so the
    // caller's future must not: a context-free promise completes on whatever thread ends the close.
    Promise<Void> closed = Promise.promise();
    undeployInReverse(new ArrayList<>(deployments))
        .eventually(() -> Future.join(pool.close(), chatPool.close(), leasePool.close(), webhookPool.close(),
            mailer == null ? Future.succeededFuture() : mailer.close()))
        .onComplete(stopped -> vertx.close().onComplete(closed));
    return closed.future();
  }

  /** The HTTP server first (it was deployed last), so that nothing new arrives while the rest stops. */
  private Future<Void> undeployInReverse(List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    String last = ids.remove(ids.size() - 1);
    return vertx.undeploy(last)
        .recover(e -> {
          log.warn("deployment {} did not stop cleanly: {}", last, e.getMessage());
          return Future.succeededFuture();
        })
        .compose(v -> undeployInReverse(ids));
  }
}
