package io.tandem.matching;

import io.tandem.kernel.ExpertSnapshot;
import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The experts a shard knows, by id, by topic, and (for those who meet in person) by topic and H3
 * cell, so that an in-person search visits only the experts of its topic in its disk of cells.
 * Holds everyone who is online, busy or not; availability is checked when candidates are drawn.
 */
final class ExpertIndex {
  private final Map<UserId, ExpertSnapshot> byId = new HashMap<>();
  private final Map<UserId, Long> cellOf = new HashMap<>();
  private final Map<Topic, Set<UserId>> byTopic = new HashMap<>();
  private final Map<Topic, Map<Long, Set<UserId>>> inPersonByTopicAndCell = new HashMap<>();

  void put(ExpertSnapshot expert) {
    ExpertSnapshot previous = byId.get(expert.id());
    if (previous != null && previous.topics().equals(expert.topics()) && previous.modes().equals(expert.modes())
        && previous.location().equals(expert.location())) {
      byId.put(expert.id(), expert); // only load, availability or ranking changed: the indexes still hold
      return;
    }
    remove(expert.id());
    byId.put(expert.id(), expert);
    for (Topic topic : expert.topics()) {
      byTopic.computeIfAbsent(topic, t -> new LinkedHashSet<>()).add(expert.id());
    }
    if (expert.modes().contains(Mode.IN_PERSON)) {
      // An expert who meets in person has a location: Offering and the database's check require one.
      long cell = GeoCells.cellOf(expert.location().orElseThrow());
      cellOf.put(expert.id(), cell);
      for (Topic topic : expert.topics()) {
        inPersonByTopicAndCell.computeIfAbsent(topic, t -> new HashMap<>()).computeIfAbsent(cell, c -> new LinkedHashSet<>()).add(expert.id());
      }
    }
  }

  void remove(UserId id) {
    ExpertSnapshot removed = byId.remove(id);
    if (removed == null) {
      return;
    }
    for (Topic topic : removed.topics()) {
      Set<UserId> experts = byTopic.get(topic);
      if (experts != null && experts.remove(id) && experts.isEmpty()) {
        byTopic.remove(topic);
      }
    }
    Long cell = cellOf.remove(id);
    if (cell != null) {
      for (Topic topic : removed.topics()) {
        Map<Long, Set<UserId>> cells = inPersonByTopicAndCell.get(topic);
        Set<UserId> experts = cells == null ? null : cells.get(cell);
        if (experts != null && experts.remove(id) && experts.isEmpty()) {
          cells.remove(cell);
          if (cells.isEmpty()) {
            inPersonByTopicAndCell.remove(topic);
          }
        }
      }
    }
  }

  Optional<ExpertSnapshot> get(UserId id) {
    return Optional.ofNullable(byId.get(id));
  }

  Collection<ExpertSnapshot> all() {
    return byId.values();
  }

  /** Every expert offering exactly {@code topic}. */
  void forEachOffering(Topic topic, Consumer<ExpertSnapshot> action) {
    Set<UserId> experts = byTopic.get(topic);
    if (experts != null) {
      experts.forEach(id -> action.accept(byId.get(id)));
    }
  }

  /**
   * Every in-person expert offering exactly {@code topic} and filed in a cell of the disk that
   * covers {@code radiusKm} around {@code center}; the caller filters by exact distance.
   */
  void forEachInPersonNear(Topic topic, GeoPoint center, double radiusKm, Consumer<ExpertSnapshot> action) {
    Map<Long, Set<UserId>> cells = inPersonByTopicAndCell.get(topic);
    if (cells == null) {
      return;
    }
    for (long cell : GeoCells.disk(center, radiusKm)) {
      Set<UserId> experts = cells.get(cell);
      if (experts != null) {
        experts.forEach(id -> action.accept(byId.get(id)));
      }
    }
  }
}
