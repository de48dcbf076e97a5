package io.tandem.db;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where the database is, how to migrate it and check that it is durable, and its pools. */
public final class Database {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final PgConnectOptions connectOptions;

  private Database(PgConnectOptions connectOptions) {
    this.connectOptions = connectOptions;
  }

  /**
   * @param url a {@code postgresql://user:password@host:port/database} URL
   * @param statementTimeout PostgreSQL cancels any statement running longer ({@code statement_timeout})
   */
  public static Database at(String url, Duration statementTimeout) {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    // Every statement is prepared once per connection and kept, however long its text: the client
    // otherwise keeps only statements up to 2,048 characters and parses and plans a longer one at
    // every execution, in a round trip of its own (measured on the single-statement join, 2,094
    // characters: one more transaction and more PostgreSQL CPU per join than the three statements
    // it replaced). Tandem's statements are a fixed set, so the cache stays small.
    options.setCachePreparedStatements(true).setPreparedStatementCacheSqlLimit(16_384).setPipeliningLimit(256)
        .addProperty("statement_timeout", Long.toString(statementTimeout.toMillis()));
    return new Database(options);
  }

  /**
   * Applies the SQL migrations in {@code db/migration} (Flyway). Blocking: call off the event loop.
   * Safe when several nodes start at once: Flyway serialises them with a PostgreSQL advisory lock.
   */
  public void migrate() {
    MigrateResult result = Flyway.configure()
        .dataSource(jdbcUrl(), connectOptions.getUser(), connectOptions.getPassword())
        .locations("classpath:db/migration")
        .load()
        .migrate();
    if (result.migrationsExecuted == 0) {
      log.info("database schema is up to date at version {}", result.initialSchemaVersion);
    } else {
      log.info("database schema migrated from version {} to {} ({} migrations)",
          result.initialSchemaVersion == null ? "none" : result.initialSchemaVersion, result.targetSchemaVersion, result.migrationsExecuted);
    }
  }

  /**
   * Checks that a commit on this database is flushed before it returns, as every acknowledgement
   * promises, and warns loudly when it is not (an external database configured for speed, say).
   * Blocking: call off the event loop.
   */
  public void checkDurable() {
    try (Connection connection = DriverManager.getConnection(jdbcUrl(), connectOptions.getUser(), connectOptions.getPassword());
        Statement statement = connection.createStatement();
        ResultSet settings = statement.executeQuery("SELECT current_setting('fsync'), current_setting('synchronous_commit'),"
            + " current_setting('full_page_writes')")) {
      settings.next();
      String fsync = settings.getString(1);
      String synchronousCommit = settings.getString(2);
      String fullPageWrites = settings.getString(3);
      if ("on".equals(fsync) && !"off".equals(synchronousCommit) && "on".equals(fullPageWrites)) {
        log.info("database commits are durable (fsync={}, synchronous_commit={}, full_page_writes={})",
            fsync, synchronousCommit, fullPageWrites);
      } else {
        log.warn("THE DATABASE IS NOT DURABLE (fsync={}, synchronous_commit={}, full_page_writes={}): acknowledged chat"
            + " messages, matches and payments can be lost in a crash. Set fsync=on, synchronous_commit=on and"
            + " full_page_writes=on on this PostgreSQL (docs/operations.md, Database)", fsync, synchronousCommit, fullPageWrites);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the database's durability settings: " + e.getMessage(), e);
    }
  }

  /**
   * A pool of {@code size} connections. The pool's own acquisition timer is off: in Vert.x 5.0 it
   * races with a connection being handed over ({@code IllegalStateException: Promise already
   * completed}, logged as an ERROR, and a pool-queue gauge that goes negative). Callers are bounded
   * instead where they wait, by {@code db.acquireTimeoutMs + db.statementTimeoutMs} (see
   * {@link DatabaseOutages}); a statement PostgreSQL runs too long it cancels itself.
   */
  public Pool pool(Vertx vertx, String name, int size) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setName(name).setConnectionTimeout(0))
        .connectingTo(connectOptions)
        .using(vertx)
        .build();
  }

  private String jdbcUrl() {
    String url = "jdbc:postgresql://" + connectOptions.getHost() + ":" + connectOptions.getPort() + "/" + connectOptions.getDatabase();
    SslMode ssl = connectOptions.getSslMode();
    return ssl == null || ssl == SslMode.DISABLE ? url : url + "?sslmode=" + ssl.value;
  }
}
