package io.tandem.directory;

import io.tandem.expert.ExpertProfile;
import io.tandem.expert.ExpertProfiles;
import io.tandem.expert.ListedExpert;
import io.tandem.kernel.UserId;
import io.tandem.matching.ExpertStats;
import io.tandem.matching.OfferStatistics;
import io.tandem.reliability.Rating;
import io.tandem.reliability.Reliability;
import io.tandem.reliability.ReliabilitySummary;
import io.tandem.topic.Topics;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
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

  /** {@code topics}: the catalogue a profile's topics must be in (topics.listedOnly). */
  public ExpertDirectory(ExpertProfiles profiles, Reliability reliability, ExpertStats stats, Topics topics) {
    this.profiles = profiles;
    this.reliability = reliability;
    this.stats = stats;
    this.topics = topics;
  }

  /** What others make of an expert: the rating they received and their reliability. */
  public record Standing(Rating rating, ReliabilitySummary reliability) {}

  /** The expert's own profile, with their standing. */
  public record OwnProfile(ExpertProfile profile, Standing standing) {}

  /** An expert as anyone signed in sees them, with their standing. */
  public record PublicProfile(ListedExpert expert, Standing standing) {}

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

  /** The expert with this id as others see them; empty when there is no such expert. */
  public Future<Optional<PublicProfile>> publicProfile(UserId expert) {
    return profiles.listed(expert).compose(found -> found.isEmpty()
        ? Future.succeededFuture(Optional.empty())
        : standing(expert).map(standing -> Optional.of(new PublicProfile(found.get(), standing))));
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
