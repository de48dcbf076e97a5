package io.tandem.directory;

import io.tandem.expert.ListedExpert;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.reliability.Rating;
import io.tandem.reliability.ReliabilitySummary;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An expert as the directory shows them to anyone: their public profile, rating, how many written
 * reviews are shown, their reliability and badge, whether online now, and what a consultation
 * costs on each of their topics in each mode they offer (the catalogue's prices, in
 * {@code currency}'s minor units).
 */
public record ExpertCard(ListedExpert expert, Rating rating, long reviews, boolean online, ReliabilitySummary reliability,
    Optional<Badge> badge, Map<Topic, Map<Mode, Long>> prices, String currency) {

  /** What the directory says of an expert at a glance (ratings.newBelowRatings, ratings.reliableScore). */
  public enum Badge {
    /** Fewer ratings than ratings.newBelowRatings: too early to judge. */
    NEW,
    /** Reliability score of ratings.reliableScore or more and no no-show in the penalty window. */
    RELIABLE;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The public profile's fields ({@code id, displayName, topics, modes, bio, languages}) with
   * {@code rating, reliability, reviews, badge, online, prices: {topic: {mode: amount}}, currency}.
   */
  public JsonObject toJson() {
    JsonObject priced = new JsonObject();
    prices.forEach((topic, byMode) -> {
      JsonObject modes = new JsonObject();
      byMode.forEach((mode, amount) -> modes.put(mode.wireName(), amount));
      priced.put(topic.value(), modes);
    });
    return expert.toJson()
        .put("rating", rating.toJson())
        .put("reliability", reliability.toJson())
        .put("reviews", reviews)
        .put("badge", badge.map(Badge::wireName).orElse(null))
        .put("online", online)
        .put("prices", priced)
        .put("currency", currency);
  }
}
