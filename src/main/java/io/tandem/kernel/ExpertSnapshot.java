package io.tandem.kernel;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * What matching knows about one expert, as carried by presence events: what they offer now,
 * whether they can take offers at all, how loaded they are, and how they rank.
 *
 * @param location where in-person clients meet them; empty for an expert who offers no in-person meetings and gave none
 * @param available online, connected and not suspended
 * @param load sessions waiting or active plus pending offers
 * @param idleSince when the expert last got an offer or came online (longest idle ranks first)
 * @param rating the Bayesian average rating, 0 to 5
 * @param reliability 0 to 1
 * @param acceptance 0 to 1: how often they take what they are offered, as the ranking weighs it
 */
public record ExpertSnapshot(
    UserId id,
    Set<Topic> topics,
    Set<Mode> modes,
    Optional<GeoPoint> location,
    int capacity,
    boolean available,
    int load,
    Instant idleSince,
    double rating,
    double reliability,
    double acceptance) {

  /** An expert with no offer counted yet ranks as fully accepting. */
  public static final double FULLY_ACCEPTING = 1.0;

  public ExpertSnapshot(UserId id, Set<Topic> topics, Set<Mode> modes, Optional<GeoPoint> location, int capacity, boolean available, int load,
      Instant idleSince, double rating, double reliability) {
    this(id, topics, modes, location, capacity, available, load, idleSince, rating, reliability, FULLY_ACCEPTING);
  }

  /** What an expert without ratings shows and ranks with, until ratings are recorded. */
  public static final double UNRATED = 4.0;
  /** The reliability of an expert with no penalties. */
  public static final double FULLY_RELIABLE = 1.0;

  public ExpertSnapshot withLoad(int newLoad) {
    return new ExpertSnapshot(id, topics, modes, location, capacity, available, Math.max(0, newLoad), idleSince, rating, reliability,
        acceptance);
  }

  public ExpertSnapshot withIdleSince(Instant since) {
    return new ExpertSnapshot(id, topics, modes, location, capacity, available, load, since, rating, reliability, acceptance);
  }

  public boolean hasFreeSlot() {
    return available && load < capacity;
  }
}
