package io.tandem.directory;

import io.tandem.expert.ExpertProfile;
import io.tandem.expert.ExpertProfiles;
import io.tandem.expert.ListedExpert;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import io.tandem.matching.ExpertStats;
import io.tandem.matching.OfferStatistics;
import io.tandem.money.Pricing;
import io.tandem.reliability.BayesianRating;
import io.tandem.reliability.Rating;
import io.tandem.reliability.RatingConfig;
import io.tandem.reliability.Ratings;
import io.tandem.reliability.Reliability;
import io.tandem.reliability.ReliabilitySummary;
import io.tandem.topic.Topics;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Experts as they present themselves and as others see them: the profile an expert saves, with
 * their rating and reliability beside it, and their own offer statistics. It composes what the
 * expert, reliability and matching features each own; none of them knows the others' part.
 */
public final class ExpertDirectory {
  private final ExpertProfiles profiles;
  private final Reliability reliability;
  private final ExpertStats stats;
  private final Topics topics;
  private final ExpertListing listing;
  private final Ratings ratingsGiven;
  private final BayesianRating bayesian;
  private final Pricing pricing;
  private final RatingConfig ratings;

  /** {@code topics}: the catalogue a profile's topics must be in (topics.listedOnly). */
  public ExpertDirectory(Pool pool, ExpertProfiles profiles, Reliability reliability, Ratings ratingsGiven, BayesianRating bayesian,
      ExpertStats stats, Topics topics, Pricing pricing, RatingConfig ratings) {
    this.profiles = profiles;
    this.reliability = reliability;
    this.ratingsGiven = ratingsGiven;
    this.bayesian = bayesian;
    this.stats = stats;
    this.topics = topics;
    this.listing = new ExpertListing(pool, ratings);
    this.pricing = pricing;
    this.ratings = ratings;
  }

  /** What others make of an expert: the rating they received and their reliability. */
  public record Standing(Rating rating, ReliabilitySummary reliability) {}

  /** The expert's own profile, with their standing. */
  public record OwnProfile(ExpertProfile profile, Standing standing) {}

  /** An expert as anyone sees them, with how they are shown, and their newest written reviews. */
  public record PublicProfile(ExpertCard card, List<Ratings.Review> recentReviews) {
    /** The contract's public profile: the card's fields and {@code recentReviews}. */
    public JsonObject toJson() {
      return card.toJson().put("recentReviews", new JsonArray(recentReviews.stream().map(Ratings.Review::toJson).toList()));
    }
  }

  /** A page of the directory: {@code {experts, page, pageSize, more}}. */
  public record Browse(List<ExpertCard> experts, int page, int pageSize, boolean more) {
    public JsonObject toJson() {
      return new JsonObject().put("experts", new JsonArray(experts.stream().map(ExpertCard::toJson).toList()))
          .put("page", page).put("pageSize", pageSize).put("more", more);
    }
  }

  /** The experts of a topic, a page at a time (see {@link ExpertListing}). */
  public Future<Browse> browse(Topic topic, Optional<Mode> mode, boolean onlineOnly, int page, int pageSize) {
    return listing.page(new ExpertListing.Query(topic, mode, onlineOnly, page, pageSize))
        .compose(found -> reliability.summaries(found.experts().stream().map(f -> f.expert().id()).toList())
            .map(summaries -> new Browse(found.experts().stream()
                .map(f -> card(f.expert(), f.ratings(), f.starsSum(), f.reviews(), f.online(), summaries.get(f.expert().id())))
                .toList(), page, pageSize, found.more())));
  }

  /** Saves the expert's profile; every topic must be in the catalogue when it is listed-only. */
  public Future<ExpertProfile> save(ExpertProfile given) {
    given.offering().topics().forEach(topic -> topics.requireListed("topics", topic));
    return profiles.save(given).compose(saved -> saved
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ApiError.unauthorized("the account of this token no longer exists"))));
  }

  /** The expert's own profile; empty until they saved one. */
  public Future<Optional<OwnProfile>> own(UserId expert) {
    return profiles.find(expert).compose(found -> found.isEmpty()
        ? Future.succeededFuture(Optional.empty())
        : standing(expert).map(standing -> Optional.of(new OwnProfile(found.get(), standing))));
  }

  /** The expert with this id as others see them, with their newest written reviews; empty when there is no such expert. */
  public Future<Optional<PublicProfile>> publicProfile(UserId expert) {
    return listing.one(expert).compose(found -> found.isEmpty()
        ? Future.succeededFuture(Optional.empty())
        : Future.all(reliability.summary(expert), ratingsGiven.recent(expert, ratings.recentReviews()))
            .map(both -> {
              ExpertListing.Found f = found.get();
              ExpertCard card = card(f.expert(), f.ratings(), f.starsSum(), f.reviews(), f.online(), both.resultAt(0));
              return Optional.of(new PublicProfile(card, both.resultAt(1)));
            }));
  }

  /** How the directory shows an expert: their rating, badge, whether online, and their topics' prices in the modes they offer. */
  private ExpertCard card(ListedExpert expert, long ratingCount, long starsSum, long reviewCount, boolean online, ReliabilitySummary summary) {
    Rating rating = new Rating(Math.round(bayesian.of(ratingCount, starsSum) * 100) / 100.0, ratingCount);
    Optional<ExpertCard.Badge> badge = ratingCount < ratings.newBelowRatings() ? Optional.of(ExpertCard.Badge.NEW)
        : summary.score() >= ratings.reliableScore() && summary.noShows30d() == 0 ? Optional.of(ExpertCard.Badge.RELIABLE)
        : Optional.empty();
    Map<Topic, Map<Mode, Long>> prices = new LinkedHashMap<>();
    expert.profile().ifPresent(profile -> profile.offering().topics().forEach(topic -> {
      Map<Mode, Long> byMode = new LinkedHashMap<>();
      profile.offering().modes().forEach(m -> byMode.put(m, pricing.of(topic, m).amount()));
      prices.put(topic, byMode);
    }));
    return new ExpertCard(expert, rating, reviewCount, online, summary, badge, prices, pricing.currency());
  }

  /** The expert's offers over the penalty window, and the thresholds they are measured against. */
  public Future<OfferStatistics> offerStatistics(UserId expert) {
    return stats.of(expert);
  }

  private Future<Standing> standing(UserId expert) {
    return Future.all(reliability.rating(expert), reliability.summary(expert))
        .map(both -> new Standing(both.resultAt(0), both.resultAt(1)));
  }
}
