package io.tandem.directory;

import io.tandem.expert.ExpertProfile;
import io.tandem.expert.ExpertProfiles;
import io.tandem.expert.ListedExpert;
import io.tandem.kernel.GeoPoint;
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
import java.time.Duration;
import java.time.Instant;
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
  private final AvailabilityRepository hours;
  private final AvailabilityConfig availabilityConfig;
  private final BayesianRating bayesian;
  private final Pricing pricing;
  private final RatingConfig ratings;
  private final BookedTimes booked;

  /** {@code topics}: the catalogue a profile's topics must be in (topics.listedOnly); {@code booked}: what slots are taken. */
  public ExpertDirectory(Pool pool, ExpertProfiles profiles, Reliability reliability, Ratings ratingsGiven, BayesianRating bayesian,
      ExpertStats stats, Topics topics, Pricing pricing, RatingConfig ratings, AvailabilityConfig availabilityConfig, BookedTimes booked) {
    this.booked = booked;
    this.hours = new AvailabilityRepository(pool);
    this.availabilityConfig = availabilityConfig;
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

  /** The experts of a topic, a page at a time (see {@link ExpertListing}); {@code bad_request} for a topic the catalogue does not list where it must. */
  public Future<Browse> browse(Topic topic, Optional<Mode> mode, boolean onlineOnly, int page, int pageSize) {
    // A topic outside the catalogue (where only listed ones are offered) has no experts: say which are near it.
    topics.requireListed("topic", topic);
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

  /** Saves when the expert takes bookings; {@code unauthorized} when their account is gone. */
  public Future<Availability> saveAvailability(UserId expert, Availability availability) {
    return hours.save(expert, availability).compose(saved -> saved ? Future.succeededFuture(availability)
        : Future.failedFuture(ApiError.unauthorized("the account of this token no longer exists")));
  }

  /** When the expert takes bookings; empty until they said. */
  public Future<Optional<Availability>> availability(UserId expert) {
    return hours.find(expert);
  }

  /** The free slots of an expert in one mode: {@code {slots: [{startAt, endAt}], timeZone, mode, slotMinutes}}. */
  public record Openings(List<Availability.Slot> slots, Optional<String> timeZone, Mode mode, Duration length) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("slots", new JsonArray(slots.stream().map(s -> new JsonObject().put("startAt", s.startAt().toString())
              .put("endAt", s.endAt().toString())).toList()))
          .put("timeZone", timeZone.orElse(null)).put("mode", mode.wireName()).put("slotMinutes", length.toMinutes());
    }
  }

  /**
   * The expert's slots in {@code [from, to)} of {@code mode} (their first mode when empty), none
   * starting sooner than availability.minNoticeMinutes from {@code now}; empty when there is no
   * such expert, {@code bad_request} for a mode they do not offer.
   */
  public Future<Optional<Openings>> slots(UserId expert, Optional<Mode> mode, Instant from, Instant to, Instant now) {
    if (!to.isAfter(from)) {
      return Future.failedFuture(ApiError.badRequest("to must be after from"));
    }
    if (Duration.between(from, to).compareTo(Duration.ofDays(availabilityConfig.maxRangeDays())) > 0) {
      return Future.failedFuture(ApiError.badRequest("to must be at most " + availabilityConfig.maxRangeDays()
          + " days after from (availability.maxRangeDays)"));
    }
    return profiles.listed(expert).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.empty());
      }
      List<Mode> offered = found.get().profile().map(p -> p.offering().modes()).orElse(List.of());
      if (offered.isEmpty()) {
        return Future.succeededFuture(Optional.of(new Openings(List.of(), Optional.empty(), mode.orElse(Mode.CHAT),
            availabilityConfig.slotLength().get(mode.orElse(Mode.CHAT)))));
      }
      Mode chosen = mode.orElse(offered.get(0));
      if (!offered.contains(chosen)) {
        return Future.failedFuture(ApiError.badRequest("mode " + chosen.wireName() + " is not offered by this expert; they offer "
            + String.join(", ", offered.stream().map(Mode::wireName).toList())));
      }
      Duration length = availabilityConfig.slotLength().get(chosen);
      return reliability.suspendedUntil(expert).compose(suspended -> {
        // A suspended expert's time is not offered until the suspension ends.
        Instant notice = now.plus(availabilityConfig.minNotice());
        Instant earliest = suspended.filter(notice::isBefore).orElse(notice);
        Instant latest = now.plus(availabilityConfig.horizon());
        return openings(expert, chosen, length, from.isBefore(earliest) ? earliest : from, to.isAfter(latest) ? latest : to);
      });
    });
  }

  /** The free slots of {@code mode} in {@code [start, to)}: the availability's, less what is booked. */
  private Future<Optional<Openings>> openings(UserId expert, Mode chosen, Duration length, Instant start, Instant to) {
    // Nothing can start in a range the notice leaves empty (and PostgreSQL refuses a range that ends before it starts).
    Future<List<Availability.Slot>> bookedTimes = start.isBefore(to) ? booked.between(expert, start, to) : Future.succeededFuture(List.of());
    return Future.all(hours.find(expert), bookedTimes).map(both -> {
      Optional<Availability> saved = both.resultAt(0);
      List<Availability.Slot> taken = both.resultAt(1);
      List<Availability.Slot> free = saved.map(a -> a.slots(start, to, length)).orElse(List.<Availability.Slot>of()).stream()
          .filter(slot -> taken.stream().noneMatch(t -> t.startAt().isBefore(slot.endAt()) && slot.startAt().isBefore(t.endAt())))
          .toList();
      return Optional.of(new Openings(free, saved.map(a -> a.timeZone().getId()), chosen, length));
    });
  }

  /** A slot a client may book: the expert's time, and where an in-person consultation meets (the expert's location). */
  public record Bookable(Availability.Slot slot, Optional<GeoPoint> meetingPoint) {}

  /**
   * Checks that {@code expert} can be booked for {@code topic} by {@code mode} at {@code startAt}:
   * an expert offering them (their topic or a parent of it), a start at least
   * availability.minNoticeMinutes ahead of {@code now}, one of the slots of their availability.
   * Each miss is a {@code bad_request} naming the field, with a {@code reason}; an expert suspended
   * past the start is a {@code conflict} ({@code expert_suspended}). Whether the slot is still free
   * is not asked here: the booking's insert is the guard (two bookings may race).
   */
  public Future<Bookable> bookable(UserId expert, Topic topic, Mode mode, Instant startAt, Instant now) {
    topics.requireListed("topic", topic);
    if (startAt.isBefore(now.plus(availabilityConfig.minNotice()))) {
      return Future.failedFuture(ApiError.badRequest("startAt must be at least " + availabilityConfig.minNotice().toMinutes()
          + " minutes ahead (availability.minNoticeMinutes)" + (startAt.isBefore(now) ? "; it is in the past" : "")).with("reason", "too_soon"));
    }
    if (startAt.isAfter(now.plus(availabilityConfig.horizon()))) {
      return Future.failedFuture(ApiError.badRequest("startAt must be at most " + availabilityConfig.horizon().toDays()
          + " days ahead (availability.maxDaysAhead)").with("reason", "too_far"));
    }
    return profiles.find(expert).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(ApiError.badRequest("expertId " + expert + " is not an expert with a profile"));
      }
      if (!found.get().offering().covers(topic, mode)) {
        return Future.failedFuture(ApiError.badRequest("expertId: this expert does not offer " + topic + " by " + mode.wireName()
            + "; book one of their topics and modes").with("reason", "expert_does_not_offer"));
      }
      Duration length = availabilityConfig.slotLength().get(mode);
      return reliability.suspendedUntil(expert).compose(suspended -> suspended.filter(until -> until.isAfter(startAt)).isPresent()
          ? Future.failedFuture(ApiError.conflict("this expert is suspended until " + suspended.get() + " and takes no booking before then")
              .with("reason", "expert_suspended").with("suspendedUntil", suspended.get().toString()))
          : hours.find(expert)).compose(saved -> saved.isPresent() && saved.get().offers(startAt, length)
          ? Future.succeededFuture(new Bookable(new Availability.Slot(startAt, startAt.plus(length)),
              mode == Mode.IN_PERSON ? found.get().offering().location() : Optional.empty()))
          : Future.failedFuture(ApiError.badRequest("startAt is not one of this expert's slots for " + mode.wireName()
              + "; pick one that GET /api/v1/experts/" + expert + "/slots?mode=" + mode.wireName() + " lists").with("reason", "outside_availability")));
    });
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
