package io.tandem.money;

import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import java.util.Optional;

/** Where prices come from: the topic catalogue's most specific price for a topic and mode, if it has one. */
@FunctionalInterface
public interface TopicPrices {
  Optional<Long> price(Topic topic, Mode mode);

  /** No topic priced: every consultation costs {@code ledger.defaultPrice}. */
  TopicPrices NONE = (topic, mode) -> Optional.empty();
}
