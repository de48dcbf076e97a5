package io.tandem.topic;

import java.util.Map;

/**
 * How many experts offer each topic, how many of them are online now and how many of those are
 * free (below their capacity: an offer could go to them at once), and the same two counts over all
 * topics, each expert once: what a topic picker shows beside the catalogue ({@link TopicDirectory}).
 */
public record ExpertAvailability(Map<String, Count> byTopic, long expertsOnline, long expertsFree) {
  public record Count(long experts, long online, long free) {}

  public static final ExpertAvailability NONE = new ExpertAvailability(Map.of(), 0, 0);
}
