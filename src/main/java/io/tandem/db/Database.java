package io.tandem.db;

import io.tandem.config.TandemConfig.DbConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where the database is, how to migrate it, and the pool every repository shares. */
public final class Database {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final PgConnectOptions connectOptions;

  private Database(PgConnectOptions connectOptions) {
    this.connectOptions = connectOptions;
  }

  /** @param url a {@code postgresql://user:password@host:port/database} URL */
  public static Database at(String url) {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    options.setCachePreparedStatements(true).setPipeliningLimit(256);
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

  public Pool pool(Vertx vertx, DbConfig config) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(config.poolSize()).setName("tandem"))
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
