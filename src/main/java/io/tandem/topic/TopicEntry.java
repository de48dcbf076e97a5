package io.tandem.topic;

import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One topic of the catalogue: its slug, its names ({@code en}, {@code zh-CN}), its own prices by
 * mode ({@link TopicsConfig#EVERY_MODE} for every mode; none: its parent's, or the default), and
 * whether it is retired (kept for what refers to it, offered to nobody new).
 */
public record TopicEntry(UUID id, Topic topic, Map<String, String> names, Map<String, Long> prices, boolean retired) {
  public TopicEntry {
    names = Map.copyOf(names);
    prices = Map.copyOf(prices);
  }

  /** Its own price for {@code mode}, if it has one (for that mode, or for every mode). */
  public Optional<Long> ownPrice(Mode mode) {
    Long price = prices.getOrDefault(mode.wireName(), prices.get(TopicsConfig.EVERY_MODE));
    return Optional.ofNullable(price);
  }

  /** Its name in {@code language} ({@code zh...} reads Chinese, anything else English). */
  public String name(String language) {
    return names.getOrDefault(language != null && language.startsWith("zh") ? "zh-CN" : "en", topic.value());
  }

  public JsonObject namesJson() {
    JsonObject json = new JsonObject();
    TopicsConfig.LANGUAGES.forEach(language -> json.put(language, names.get(language)));
    return json;
  }

  /** Its own price as configured and as operators give it: a number for every mode, an object per mode, or null for none (its parent's). */
  public Object priceJson() {
    if (prices.isEmpty()) {
      return null;
    }
    if (prices.size() == 1 && prices.containsKey(TopicsConfig.EVERY_MODE)) {
      return prices.get(TopicsConfig.EVERY_MODE);
    }
    JsonObject json = new JsonObject();
    prices.forEach(json::put);
    return json;
  }

  /** The whole entry, as operators read it. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id.toString()).put("topic", topic.value()).put("parent", topic.parent().map(Topic::value).orElse(null))
        .put("names", namesJson()).put("price", priceJson()).put("retired", retired);
  }
}
