package io.tandem.loadtest;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.auth.PasswordHasher;
import io.tandem.auth.Role;
import io.tandem.auth.Tokens;
import io.tandem.expert.Offering;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.money.LedgerConfig;
import io.tandem.wire.ApiError;
import io.tandem.wire.JsonInput;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Creates many clients and experts at once for a load test, so that a run starts in seconds: one
 * password hash for all of them, set-based inserts, and access tokens in the answer (no log-ins).
 * Only mounted when {@code loadTest.seedEnabled} is true.
 */
public final class Seeder {
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9-]{0,31}");
  public static final int MAX_ACCOUNTS = 50_000;

  private final Vertx vertx;
  private final Pool pool;
  private final PasswordHasher hasher;
  private final Tokens tokens;
  private final LedgerConfig ledger;

  public Seeder(Vertx vertx, Pool pool, PasswordHasher hasher, Tokens tokens, LedgerConfig ledger) {
    this.vertx = vertx;
    this.pool = pool;
    this.hasher = hasher;
    this.tokens = tokens;
    this.ledger = ledger;
  }

  /**
   * {@code {prefix, clients, experts, topics?, modes?, location?, capacity?}}: clients
   * {@code <prefix>-c-<n>}, experts {@code <prefix>-e-<n>} with a profile (all with the password
   * {@code loadtest-<prefix>}); answers their ids and access tokens.
   */
  public Future<JsonObject> seed(JsonInput body) {
    String prefix = body.requiredString("prefix", 1, 32);
    if (!PREFIX.matcher(prefix).matches()) {
      throw body.invalid("prefix", "must be lowercase letters, digits and '-', starting with a letter");
    }
    int clients = body.optionalInt("clients", 0, MAX_ACCOUNTS).orElse(0);
    int experts = body.optionalInt("experts", 0, MAX_ACCOUNTS).orElse(0);
    Offering offering = Offering.from(body, Optional.of(new Offering(List.of(new Topic("career")), List.of(Mode.CHAT, Mode.VIDEO),
        Optional.of(new io.tandem.kernel.GeoPoint(31.2304, 121.4737)), 1)));
    String password = "loadtest-" + prefix;
    return vertx.executeBlocking(() -> hasher.hash(password), false)
        // Tens of thousands of rows may take longer than db.statementTimeoutMs, which is for users' calls.
        .compose(hash -> pool.withTransaction(conn -> conn.query("SET LOCAL statement_timeout = 0").execute()
            .compose(unlimited -> conn.preparedQuery("INSERT INTO accounts (username, password_hash, role, display_name)"
                + " SELECT $1 || '-c-' || n, $2, 'client', 'Load client ' || n FROM generate_series(1, $3) n"
                + " UNION ALL SELECT $1 || '-e-' || n, $2, 'expert', 'Load expert ' || n FROM generate_series(1, $4) n"
                + " ON CONFLICT DO NOTHING RETURNING id, username, role")
            .execute(Tuple.of(prefix, hash, clients, experts))
            .compose(rows -> {
              if (rows.size() != clients + experts) {
                return Future.failedFuture(ApiError.conflict("some usernames with prefix " + prefix + " exist already; use a new prefix"));
              }
              return conn.preparedQuery("INSERT INTO expert_profiles (account_id, topics, modes, lat, lng, capacity)"
                      + " SELECT id, $2, $3, $4, $5, $6 FROM accounts WHERE username LIKE $1 || '-e-%'")
                  .execute(Tuple.tuple().addString(prefix)
                      .addArrayOfString(offering.topics().stream().map(Topic::value).toArray(String[]::new))
                      .addArrayOfString(offering.modes().stream().map(Mode::wireName).toArray(String[]::new))
                      .addDouble(offering.location().map(io.tandem.kernel.GeoPoint::lat).orElse(null))
                      .addDouble(offering.location().map(io.tandem.kernel.GeoPoint::lng).orElse(null)).addInteger(offering.capacity()))
                  .compose(v -> conn.preparedQuery("INSERT INTO ledger_entries (transfer_id, account, user_id, kind, amount, entry_key)"
                          + " SELECT t.transfer, leg.account, CASE WHEN leg.account = 'wallet' THEN a.id END, 'initial',"
                         + " CASE WHEN leg.account = 'wallet' THEN $2::bigint ELSE -$2::bigint END, 'initial:' || a.id || CASE WHEN leg.account = 'wallet'"
                          + " THEN ':to' ELSE ':from' END FROM accounts a CROSS JOIN LATERAL (SELECT gen_random_uuid() AS transfer) t"
                          + " CROSS JOIN (VALUES ('wallet'), ('funding')) AS leg(account)"
                          + " WHERE a.username LIKE $1 || '-c-%' AND a.role = 'client'")
                      .execute(Tuple.of(prefix, ledger.initialBalance())))
                  .map(v -> rows);
            }))))
        .map(rows -> {
          JsonArray seededClients = new JsonArray();
          JsonArray seededExperts = new JsonArray();
          for (Row row : rows) {
            Role role = Role.fromWire(row.getString("role")).orElseThrow();
            UserId id = new UserId(row.getUUID("id"));
            JsonObject account = new JsonObject().put("id", id.toString()).put("username", row.getString("username"))
                .put("accessToken", tokens.accessToken(new AuthenticatedUser(id, role)));
            (role == Role.CLIENT ? seededClients : seededExperts).add(account);
          }
          return new JsonObject().put("password", password).put("clients", seededClients).put("experts", seededExperts);
        });
  }
}
