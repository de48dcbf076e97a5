package io.tandem.money;

/**
 * What a consultation costs, in minor units of {@code currency}: the client pays {@code amount},
 * the platform keeps {@code platformFee} of it and the expert earns the rest.
 */
public record Price(long amount, long platformFee, String currency) {
  public Price {
    if (amount < 0 || platformFee < 0 || platformFee > amount) {
      throw new IllegalArgumentException("a price of " + amount + " with a fee of " + platformFee);
    }
  }

  public long expertEarns() {
    return amount - platformFee;
  }

  /** {@code {amount, currency, platformFee, expertEarns}}: how a price travels on the wire. */
  public io.vertx.core.json.JsonObject toJson() {
    return new io.vertx.core.json.JsonObject().put("amount", amount).put("currency", currency).put("platformFee", platformFee)
        .put("expertEarns", expertEarns());
  }
}
