package io.tandem.topic;

import io.tandem.config.ConfigReader;
import io.tandem.kernel.Topic;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The topic catalogue as configured ({@code topics.*}; docs/operations.md, "Topics").
 * {@code catalogue} seeds the catalogue with the topics it does not hold yet, at every start;
 * operators change it afterwards in the console or with the admin API, and those changes stay.
 * {@code listedOnly}: experts offer, and clients ask for, topics of the catalogue only (a slug it
 * does not list is answered at once with the closest it does); off, any well-formed slug goes, as
 * an open community might want.
 */
public record TopicsConfig(boolean listedOnly, Map<String, Entry> catalogue) {
  /** The languages every topic is named in. */
  public static final List<String> LANGUAGES = List.of("en", "zh-CN");
  public static final int MAX_NAME = 80;
  /** The key of a price that holds for every mode. */
  public static final String EVERY_MODE = "*";

  /** One configured topic: its names by language, and its prices by mode ({@link #EVERY_MODE} for all), possibly none. */
  public record Entry(Map<String, String> names, Map<String, Long> prices) {}

  /** The catalogue's root topics: matching's metrics are labelled with these, and count every other topic as "other". */
  public Set<String> roots() {
    return catalogue.keySet().stream().map(t -> new Topic(t).root()).collect(Collectors.toUnmodifiableSet());
  }

  public static TopicsConfig from(ConfigReader r) {
    return new TopicsConfig(r.bool("listedOnly"), catalogue(r, "catalogue"));
  }

  /**
   * The topic catalogue: {@code {"career": {"en": "Career", "zh-CN": "职业发展", "price": 2000},
   * "career.interview": {"en": "Job interviews", "zh-CN": "求职面试", "price": {"chat": 1500}}}}: every
   * topic a slug (lowercase dotted words) whose parent is listed too, named in every language of
   * {@link TopicsConfig#LANGUAGES}, priced (optionally) as {@link #modePrices} reads.
   */
  private static Map<String, Entry> catalogue(ConfigReader r, String key) {
    if (!(r.value(key) instanceof JsonObject object)) {
      throw r.problem(key, "must be an object from topic to {en, zh-CN, price?}, got " + r.value(key));
    }
    Map<String, Entry> catalogue = new java.util.LinkedHashMap<>();
    for (String topic : object.fieldNames()) {
      if (!Topic.isValid(topic)) {
        throw r.problem(key, "must map topics (lowercase dotted words like career.interview, at most 4) to entries; " + topic + " is not a topic");
      }
      int dot = topic.lastIndexOf('.');
      if (dot > 0 && !object.containsKey(topic.substring(0, dot))) {
        throw r.problem(key, "lists " + topic + " without its parent " + topic.substring(0, dot) + ": list the parent too");
      }
      if (!(object.getValue(topic) instanceof JsonObject entry)) {
        throw r.problem(key, "must give " + topic + " an object {en, zh-CN, price?}, got " + object.getValue(topic));
      }
      Map<String, String> names = new java.util.LinkedHashMap<>();
      for (String language : LANGUAGES) {
        if (!(entry.getValue(language) instanceof String name) || name.isBlank() || name.length() > MAX_NAME) {
          throw r.problem(key, "must name " + topic + " in " + language + " (1 to " + MAX_NAME + " characters), got " + entry.getValue(language));
        }
        names.put(language, name.strip());
      }
      Map<String, Long> prices = entry.containsKey("price") ? modePrices(r, key, topic, entry.getValue("price")) : Map.of();
      catalogue.put(topic, new Entry(Map.copyOf(names), prices));
    }
    return java.util.Collections.unmodifiableMap(catalogue);
  }

  /**
   * One topic's price: a number (whole, non-negative minor units) for every mode
   * ({@link TopicsConfig#EVERY_MODE}), or {@code {"chat": 1500, "video": 2500}} per mode.
   */
  private static Map<String, Long> modePrices(ConfigReader r, String key, String topic, Object value) {
    if (value instanceof JsonObject byMode) {
      Map<String, Long> modes = new java.util.HashMap<>();
      for (String mode : byMode.fieldNames()) {
        if (!List.of("chat", "video", "in_person").contains(mode)) {
          throw r.problem(key, "gives " + topic + " a price for " + mode + ", which is not a mode (chat, video, in_person)");
        }
        modes.put(mode, price(r, key, topic + "." + mode, byMode.getValue(mode)));
      }
      return Map.copyOf(modes);
    }
    return Map.of(EVERY_MODE, price(r, key, topic, value));
  }

  private static long price(ConfigReader r, String key, String what, Object value) {
    if (!(value instanceof Number n) || n.longValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() > Integer.MAX_VALUE) {
      throw r.problem(key, "must price topics in whole, non-negative minor units; " + what + " has " + value);
    }
    return n.longValue();
  }

}
