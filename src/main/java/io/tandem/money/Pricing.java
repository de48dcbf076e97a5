package io.tandem.money;

import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;

/**
 * What consultations cost: a topic's price is the topic catalogue's (its most specific priced
 * topic: itself, else its parent, up to its root; for the mode asked or for every mode), else
 * {@code ledger.defaultPrice}. Plain Java.
 */
public final class Pricing {
  private final LedgerConfig config;
  private final TopicPrices catalogue;

  public Pricing(LedgerConfig config, TopicPrices catalogue) {
    this.config = config;
    this.catalogue = catalogue;
  }

  public String currency() {
    return config.currency();
  }

  /** The price of a consultation on {@code topic} in {@code mode}, with the platform's part of it (rounded down). */
  public Price of(Topic topic, Mode mode) {
    long amount = catalogue.price(topic, mode).orElse(config.defaultPrice());
    return new Price(amount, amount * config.platformFeePercent() / 100, config.currency());
  }

  /** The price a client who did not show pays, of a consultation priced {@code price} (rounded down). */
  public long noShowFee(long price) {
    return price * config.clientNoShowFeePercent() / 100;
  }
}
