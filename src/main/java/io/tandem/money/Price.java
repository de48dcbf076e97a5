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

  /**
   * The client's balance is below this price: said in words ({@code what} costs it), and in fields
   * the app formats in the user's language ({@code reason: insufficient_funds}, price, balance).
   */
  public io.tandem.wire.ApiError unaffordable(String what, long balance) {
    return io.tandem.wire.ApiError.conflict(what + " costs " + Amounts.format(amount, currency) + " and your balance is "
            + Amounts.format(balance, currency) + ": top up your wallet first")
        .with("reason", "insufficient_funds")
        .with("price", new io.vertx.core.json.JsonObject().put("amount", amount).put("currency", currency))
        .with("balance", balance);
  }

  /** {@code {amount, currency, platformFee, expertEarns}}: how a price travels on the wire. */
  public io.vertx.core.json.JsonObject toJson() {
    return new io.vertx.core.json.JsonObject().put("amount", amount).put("currency", currency).put("platformFee", platformFee)
        .put("expertEarns", expertEarns());
  }
}
