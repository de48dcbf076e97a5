package io.tandem.topic;

import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The topic catalogue as one node knows it now: an immutable snapshot, replaced whole when the
 * catalogue changes (Topics). Plain Java: lookups, prices up a topic's lineage, and the closest
 * listed topics to what someone typed.
 */
public final class TopicCatalogue {
  /** How many topics a suggestion offers at most. */
  public static final int SUGGESTIONS = 5;
  /** A suggestion scoring under this share of the best one is left out. */
  static final double WEAKEST_RELATIVE = 0.35;

  private final Map<Topic, TopicEntry> entries;

  public TopicCatalogue(Collection<TopicEntry> entries) {
    Map<Topic, TopicEntry> sorted = new TreeMap<>(Comparator.comparing(Topic::value));
    entries.forEach(e -> sorted.put(e.topic(), e));
    this.entries = java.util.Collections.unmodifiableMap(sorted);
  }

  public static TopicCatalogue empty() {
    return new TopicCatalogue(List.of());
  }

  /** Every topic, retired ones too, in slug order (parents before their children). */
  public Collection<TopicEntry> all() {
    return entries.values();
  }

  public Optional<TopicEntry> find(Topic topic) {
    return Optional.ofNullable(entries.get(topic));
  }

  /** Listed and not retired: a topic experts may offer and clients may ask for. */
  public boolean lists(Topic topic) {
    TopicEntry entry = entries.get(topic);
    return entry != null && !entry.retired();
  }

  /** The price of the most specific topic of {@code topic}'s lineage (itself, its parent, ...) priced for {@code mode}. */
  public Optional<Long> price(Topic topic, Mode mode) {
    for (Optional<Topic> t = Optional.of(topic); t.isPresent(); t = t.get().parent()) {
      Optional<Long> own = find(t.get()).flatMap(entry -> entry.ownPrice(mode));
      if (own.isPresent()) {
        return own;
      }
    }
    return Optional.empty();
  }

  /**
   * The listed topics closest to what someone typed (a slug, or words in English or Chinese), best
   * first, at most {@link #SUGGESTIONS}, none far weaker than the first and none sharing nothing:
   * by shared character pairs with the slug and each name, so that "interview" finds job
   * interviews, "劳动" and "labor contract" find employment law, and "divorce" nothing.
   */
  public List<TopicEntry> closestTo(String typed) {
    Set<String> wanted = bigrams(typed);
    record Scored(TopicEntry entry, double score) {}
    List<Scored> scored = new ArrayList<>();
    for (TopicEntry entry : entries.values()) {
      if (entry.retired()) {
        continue;
      }
      double best = similarity(wanted, bigrams(entry.topic().value()));
      for (String name : entry.names().values()) {
        best = Math.max(best, similarity(wanted, bigrams(name)));
      }
      scored.add(new Scored(entry, best));
    }
    scored.sort(Comparator.comparingDouble(Scored::score).reversed().thenComparing(s -> s.entry().topic().value()));
    // Far weaker than the best is noise beside it ("labor contract" is not about nutrition), and
    // a topic sharing no pair at all is a guess: better none than an arbitrary list.
    double floor = scored.isEmpty() ? 0 : scored.get(0).score() * WEAKEST_RELATIVE;
    return scored.stream().filter(s -> s.score() > 0 && s.score() >= floor).limit(SUGGESTIONS).map(Scored::entry).toList();
  }

  /**
   * The overlap of two sets of character pairs, against the smaller (Szymkiewicz–Simpson: a word
   * inside a long name counts whole), ties going to the one sharing more ("career interviews" is
   * job interviews before career).
   */
  private static double similarity(Set<String> a, Set<String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return 0;
    }
    Set<String> shared = new HashSet<>(a);
    shared.retainAll(b);
    return (double) shared.size() / Math.min(a.size(), b.size()) + shared.size() / 1000.0;
  }

  /** Pairs of neighbouring characters of each word, lowercased, accents dropped; a lone character (一个汉字) is its own pair. */
  private static Set<String> bigrams(String text) {
    String plain = Normalizer.normalize(text == null ? "" : text, Normalizer.Form.NFKD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
    Set<String> pairs = new HashSet<>();
    for (String word : plain.split("[^\\p{L}\\p{N}]+")) {
      if (word.length() == 1) {
        pairs.add(word);
      }
      for (int i = 0; i + 1 < word.length(); i++) {
        pairs.add(word.substring(i, i + 2));
      }
    }
    return pairs;
  }
}
