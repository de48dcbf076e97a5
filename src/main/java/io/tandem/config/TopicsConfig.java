package io.tandem.config;

import java.util.List;
import java.util.Map;

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

  static TopicsConfig from(ConfigReader r) {
    return new TopicsConfig(r.bool("listedOnly"), r.catalogue("catalogue"));
  }
}
