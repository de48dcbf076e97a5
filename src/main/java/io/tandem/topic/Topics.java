package io.tandem.topic;

import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topic catalogue: the one writer of {@code topics}, and the snapshot every feature reads
 * (names, prices, what may be offered and asked for). The snapshot is replaced whole: at start,
 * after a change on any node ({@code Addresses.TOPICS_CHANGED}), and by the sweeper when the table's
 * version moved (a change announced while this node was away).
 */
public final class Topics {
  private static final Logger log = LoggerFactory.getLogger(Topics.class);
  private static final String COLUMNS = "id, slug, name_en, name_zh, prices, retired";

  private final Pool pool;
  private final TopicsConfig config;
  private volatile TopicCatalogue current = TopicCatalogue.empty();
  /** The table's version when the snapshot was read: its newest change and its size. */
  private volatile String version = "";

  public Topics(Pool pool, TopicsConfig config) {
    this.pool = pool;
    this.config = config;
  }

  /** The catalogue as this node knows it now. */
  public TopicCatalogue catalogue() {
    return current;
  }

  public boolean listedOnly() {
    return config.listedOnly();
  }

  /**
   * At start: the configured topics the table does not hold yet are added, parents first (a topic
   * an operator changed keeps their change), then the catalogue is read.
   */
  public Future<Void> seedAndLoad() {
    List<Map.Entry<String, TopicsConfig.Entry>> configured = new ArrayList<>(config.catalogue().entrySet());
    configured.sort(Comparator.comparing((Map.Entry<String, TopicsConfig.Entry> e) -> e.getKey().split("\\.").length)
        .thenComparing(Map.Entry::getKey));
    List<Tuple> rows = new ArrayList<>();
    for (Map.Entry<String, TopicsConfig.Entry> e : configured) {
      Topic topic = new Topic(e.getKey());
      rows.add(Tuple.of(UUID.randomUUID(), topic.value(), topic.parent().map(Topic::value).orElse(null),
          e.getValue().names().get("en"), e.getValue().names().get("zh-CN"), pricesJson(e.getValue().prices())));
    }
    Future<Void> seeded = rows.isEmpty() ? Future.succeededFuture()
        : pool.preparedQuery("INSERT INTO topics (id, slug, parent, name_en, name_zh, prices) VALUES ($1, $2, $3, $4, $5, $6)"
                + " ON CONFLICT (slug) DO NOTHING")
            .executeBatch(rows).mapEmpty();
    return seeded.compose(v -> refresh()).onSuccess(v -> log.info("topic catalogue: {} topics{}", current.all().size(),
        config.listedOnly() ? "" : "; topics outside it accepted too (topics.listedOnly is false)"));
  }

  /** Reads the catalogue again when the table changed since it was last read (a cheap check first). */
  public Future<Void> refresh() {
    return pool.query("SELECT coalesce(max(updated_at)::text, '') || '/' || count(*) AS version FROM topics").execute()
        .compose(rows -> {
          String now = rows.iterator().next().getString("version");
          if (now.equals(version)) {
            return Future.succeededFuture();
          }
          return pool.query("SELECT " + COLUMNS + " FROM topics ORDER BY slug").execute().map(all -> {
            List<TopicEntry> entries = new ArrayList<>();
            all.forEach(row -> entries.add(entry(row)));
            current = new TopicCatalogue(entries);
            version = now;
            return null;
          });
        });
  }

  /**
   * A topic someone chose, checked against the catalogue: with {@code topics.listedOnly}, one it
   * does not list (or retired) is a bad request naming {@code field}, with {@code reason:
   * "unknown_topic"} and the closest listed topics as {@code suggestions} ({@code [{topic, names}]}).
   */
  public void requireListed(String field, Topic topic) {
    if (!config.listedOnly() || current.lists(topic)) {
      return;
    }
    JsonArray suggestions = closestTo(topic.value());
    String names = String.join(", ", suggestions.stream().map(s -> ((JsonObject) s).getString("topic")).toList());
    throw ApiError.badRequest(field + " '" + topic.value() + "' is not a topic we offer"
            + (suggestions.isEmpty() ? "" : "; the closest are " + names))
        .with("reason", "unknown_topic").with("suggestions", suggestions);
  }

  /** The listed topics closest to what someone typed (a slug, or words in either language): {@code [{topic, names}]}, best first. */
  public JsonArray closestTo(String typed) {
    JsonArray suggestions = new JsonArray();
    current.closestTo(typed.replace('.', ' ')).forEach(e -> suggestions.add(new JsonObject().put("topic", e.topic().value()).put("names", e.namesJson())));
    return suggestions;
  }

  /** The price of {@code topic} in {@code mode} from the catalogue (its lineage's most specific), if any. */
  public Optional<Long> price(Topic topic, Mode mode) {
    return current.price(topic, mode);
  }

  /** A topic as an operator saves it: names by language, prices by mode ({@code *}: every mode), retired or not. */
  public record Change(Topic topic, Map<String, String> names, Map<String, Long> prices, boolean retired) {}

  /**
   * Creates or changes a topic inside the caller's transaction (with its audit record); a new one
   * needs its parent listed. The saved entry, and whether it is new.
   */
  public Future<Saved> save(SqlClient sql, Change change) {
    Optional<Topic> parent = change.topic().parent();
    if (parent.isPresent() && current.find(parent.get()).isEmpty()) {
      return Future.failedFuture(ApiError.conflict("topic " + change.topic() + " needs its parent " + parent.get()
          + " in the catalogue first"));
    }
    return sql.preparedQuery("INSERT INTO topics AS t (id, slug, parent, name_en, name_zh, prices, retired) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            + " ON CONFLICT (slug) DO UPDATE SET name_en = excluded.name_en, name_zh = excluded.name_zh, prices = excluded.prices,"
            + " retired = excluded.retired, updated_at = now() RETURNING " + COLUMNS + ", (xmax = 0) AS created")
        .execute(Tuple.of(UUID.randomUUID(), change.topic().value(), parent.map(Topic::value).orElse(null), change.names().get("en"),
            change.names().get("zh-CN"), pricesJson(change.prices()), change.retired()))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new Saved(entry(row), row.getBoolean("created"));
        });
  }

  public record Saved(TopicEntry entry, boolean created) {}

  private static JsonObject pricesJson(Map<String, Long> prices) {
    JsonObject json = new JsonObject();
    prices.forEach(json::put);
    return json;
  }

  private static TopicEntry entry(Row row) {
    Map<String, Long> prices = new HashMap<>();
    JsonObject stored = row.getJsonObject("prices");
    stored.fieldNames().forEach(mode -> prices.put(mode, stored.getLong(mode)));
    return new TopicEntry(row.getUUID("id"), new Topic(row.getString("slug")),
        Map.of("en", row.getString("name_en"), "zh-CN", row.getString("name_zh")), prices, row.getBoolean("retired"));
  }
}
