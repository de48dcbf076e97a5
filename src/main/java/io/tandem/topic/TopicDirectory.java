package io.tandem.topic;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code GET /api/v1/topics}, for topic pickers: the catalogue's listed topics, each named in the
 * reader's language and in all, with how many experts offer it and how many are online now; and,
 * where topics outside the catalogue are accepted (topics.listedOnly off), the ones experts offer.
 * Plain Java over the catalogue and the counts (operator's views read those).
 */
public final class TopicDirectory {
  private TopicDirectory() {}

  /**
   * {@code counts}: {@code {expertsOnline, expertsFree, topics: [{topic, experts, online, free}]}} of the topics experts
   * offer; {@code language}: the reader's ({@code zh...} reads Chinese, else English).
   */
  public static JsonObject list(TopicCatalogue catalogue, boolean listedOnly, JsonObject counts, String language) {
    Map<String, JsonObject> offered = new HashMap<>();
    counts.getJsonArray("topics", new JsonArray()).forEach(t -> offered.put(((JsonObject) t).getString("topic"), (JsonObject) t));
    JsonArray topics = new JsonArray();
    for (TopicEntry entry : catalogue.all()) {
      if (entry.retired()) {
        continue;
      }
      JsonObject count = offered.remove(entry.topic().value());
      topics.add(new JsonObject()
          .put("topic", entry.topic().value())
          .put("parent", entry.topic().parent().map(io.tandem.kernel.Topic::value).orElse(null))
          .put("name", entry.name(language))
          .put("names", entry.namesJson())
          .put("listed", true)
          .put("experts", count == null ? 0L : count.getLong("experts"))
          .put("online", count == null ? 0L : count.getLong("online"))
          .put("free", count == null ? 0L : count.getLong("free")));
    }
    if (!listedOnly) {
      offered.values().stream().sorted(java.util.Comparator.comparing(t -> t.getString("topic"))).forEach(count -> {
        String slug = count.getString("topic");
        // One the catalogue holds but retired is offered to nobody new: not listed here either.
        boolean retired = catalogue.find(new io.tandem.kernel.Topic(slug)).isPresent();
        if (!retired) {
          topics.add(count.copy().put("name", slug).put("listed", false));
        }
      });
    }
    return new JsonObject().put("expertsOnline", counts.getLong("expertsOnline", 0L)).put("expertsFree", counts.getLong("expertsFree", 0L))
        .put("listedOnly", listedOnly).put("topics", topics);
  }

  /** {@code GET /api/v1/admin/topics}: every topic of the catalogue, retired ones too, with its own price. */
  public static JsonObject forOperators(TopicCatalogue catalogue) {
    JsonArray topics = new JsonArray();
    catalogue.all().forEach(entry -> topics.add(entry.toJson()));
    return new JsonObject().put("topics", topics);
  }
}
