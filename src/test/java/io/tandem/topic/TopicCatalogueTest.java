package io.tandem.topic;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TopicCatalogueTest {
  private static TopicEntry entry(String slug, String en, String zh, Map<String, Long> prices, boolean retired) {
    return new TopicEntry(UUID.randomUUID(), new Topic(slug), Map.of("en", en, "zh-CN", zh), prices, retired);
  }

  private static final TopicCatalogue CATALOGUE = new TopicCatalogue(List.of(
      entry("career", "Career", "职业发展", Map.of("*", 2000L), false),
      entry("career.interview", "Job interviews", "求职面试", Map.of("chat", 1500L), false),
      entry("career.salary", "Salary and offers", "薪资与录用谈判", Map.of(), false),
      entry("legal", "Legal", "法律", Map.of("*", 5000L), false),
      entry("legal.labour", "Employment law", "劳动法", Map.of(), false),
      entry("legal.old", "Old law", "旧法", Map.of(), true),
      entry("health", "Health", "健康", Map.of(), false)));

  private static List<String> closest(String typed) {
    return CATALOGUE.closestTo(typed).stream().map(e -> e.topic().value()).toList();
  }

  @Test
  @DisplayName("a price is the most specific of the lineage for the mode, or for every mode; none at all: empty")
  void prices() {
    assertThat(CATALOGUE.price(new Topic("career.interview"), Mode.CHAT)).contains(1500L);
    assertThat(CATALOGUE.price(new Topic("career.interview"), Mode.VIDEO)).as("its parent's").contains(2000L);
    assertThat(CATALOGUE.price(new Topic("career.interview.final"), Mode.CHAT)).as("an unlisted child: its listed lineage").contains(1500L);
    assertThat(CATALOGUE.price(new Topic("health"), Mode.CHAT)).isEmpty();
    assertThat(CATALOGUE.price(new Topic("pets"), Mode.CHAT)).isEmpty();
  }

  @Test
  @DisplayName("listed means in the catalogue and not retired")
  void listed() {
    assertThat(CATALOGUE.lists(new Topic("legal.labour"))).isTrue();
    assertThat(CATALOGUE.lists(new Topic("legal.old"))).isFalse();
    assertThat(CATALOGUE.lists(new Topic("pets"))).isFalse();
  }

  @Test
  @DisplayName("the closest to what was typed, in slugs, English or Chinese; never a retired topic, nor a weak one beside a strong one")
  void suggestions() {
    assertThat(closest("interview").get(0)).isEqualTo("career.interview");
    assertThat(closest("career interviews")).startsWith("career.interview");
    assertThat(closest("salary negotiation").get(0)).isEqualTo("career.salary");
    assertThat(closest("劳动合同").get(0)).isEqualTo("legal.labour");
    assertThat(closest("employment").get(0)).isEqualTo("legal.labour");
    assertThat(closest("old law")).doesNotContain("legal.old");
    assertThat(closest("pets dogs")).as("nothing shares a letter pair: no made-up list").isEmpty();
    assertThat(closest("labor contract")).as("the close one, not the best of the rest").containsExactly("legal.labour");
  }
}
