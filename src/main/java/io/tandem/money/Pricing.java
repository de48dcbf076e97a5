package io.tandem.money;

import io.tandem.config.TandemConfig.LedgerConfig;
import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import java.util.Map;
import java.util.Optional;

/**
 * What consultations cost ({@code ledger.*}): a topic's price is its most specific entry in
 * {@code ledger.topicPrices} (the topic, else its parent, up to its root), for the mode asked or
 * for every mode, else {@code ledger.defaultPrice}. Plain Java.
 */
public final class Pricing {
  private final LedgerConfig config;

  public Pricing(LedgerConfig config) {
    this.config = config;
  }

  public String currency() {
    return config.currency();
  }

  /** The price of a consultation on {@code topic} in {@code mode}, with the platform's part of it (rounded down). */
  public Price of(Topic topic, Mode mode) {
    long amount = listed(topic, mode).orElse(config.defaultPrice());
    return new Price(amount, amount * config.platformFeePercent() / 100, config.currency());
  }

  /** The price a client who did not show pays, of a consultation priced {@code price} (rounded down). */
  public long noShowFee(long price) {
    return price * config.clientNoShowFeePercent() / 100;
  }

  private Optional<Long> listed(Topic topic, Mode mode) {
    for (Optional<Topic> t = Optional.of(topic); t.isPresent(); t = t.get().parent()) {
      Map<String, Long> entry = config.topicPrices().get(t.get().value());
      if (entry != null) {
        Long price = entry.getOrDefault(mode.wireName(), entry.get(LedgerConfig.EVERY_MODE));
        if (price != null) {
          return Optional.of(price);
        }
      }
    }
    return Optional.empty();
  }
}
