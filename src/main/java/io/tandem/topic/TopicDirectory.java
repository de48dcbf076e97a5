package io.tandem.topic;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.tandem.kernel.Topic;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/topics}, for topic pickers: the catalogue's listed topics, each named in the
 * reader's language and in all, with how many experts offer it and how many are online now; and,
 * where topics outside the catalogue are accepted (topics.listedOnly off), the ones experts offer.
 * Plain Java over the catalogue and the counts (operator's views read those).
 */
public final class TopicDirectory {
  private TopicDirectory() {}

  /** {@code counts}: of the topics experts offer; {@code language}: the reader's ({@code zh...} reads Chinese, else English). */
  public static JsonObject list(TopicCatalogue catalogue, boolean listedOnly, ExpertAvailability counts, String language) {
    Map<String, ExpertAvailability.Count> offered = new TreeMap<>(counts.byTopic());
    JsonArray topics = new JsonArray();
    for (TopicEntry entry : catalogue.all()) {
      if (entry.retired()) {
        continue;
      }
      ExpertAvailability.Count count = offered.remove(entry.topic().value());
      topics.add(countsOf(new JsonObject()
          .put("topic", entry.topic().value())
          .put("parent", entry.topic().parent().map(Topic::value).orElse(null))
          .put("name", entry.name(language))
          .put("names", entry.namesJson())
          .put("listed", true), count));
    }
    if (!listedOnly) {
      offered.forEach((slug, count) -> {
        // One the catalogue holds but retired is offered to nobody new: not listed here either.
        boolean retired = catalogue.find(new Topic(slug)).isPresent();
        if (!retired) {
          topics.add(countsOf(new JsonObject().put("topic", slug), count).put("name", slug).put("listed", false));
        }
      });
    }
    return new JsonObject().put("expertsOnline", counts.expertsOnline()).put("expertsFree", counts.expertsFree())
        .put("listedOnly", listedOnly).put("topics", topics);
  }

  private static JsonObject countsOf(JsonObject topic, ExpertAvailability.Count count) {
    return topic.put("experts", count == null ? 0L : count.experts()).put("online", count == null ? 0L : count.online())
        .put("free", count == null ? 0L : count.free());
  }

  /** {@code GET /api/v1/admin/topics}: every topic of the catalogue, retired ones too, with its own price. */
  public static JsonObject forOperators(TopicCatalogue catalogue) {
    JsonArray topics = new JsonArray();
    catalogue.all().forEach(entry -> topics.add(entry.toJson()));
    return new JsonObject().put("topics", topics);
  }
}
