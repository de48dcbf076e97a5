package io.tandem.money;

import io.tandem.config.ConfigReader;

/**
 * Money, in minor units of {@code currency} (ISO 4217: CNY's are fen, USD's cents). {@code
 * initialBalance} is what a new client starts with (a welcome credit). A consultation's price is
 * the topic catalogue's (TopicsConfig: the most specific priced topic of its lineage), else
 * {@code defaultPrice}; the platform keeps {@code platformFeePercent} of it and the expert earns
 * the rest. A client who does not show pays {@code clientNoShowFeePercent} of the price.
 */
public record LedgerConfig(long initialBalance, String currency, long defaultPrice, int platformFeePercent, int clientNoShowFeePercent) {
  public static LedgerConfig from(ConfigReader r) {
    return new LedgerConfig(
        r.intBetween("initialBalance", 0, Integer.MAX_VALUE),
        currency(r, "currency"),
        r.intBetween("defaultPrice", 0, Integer.MAX_VALUE),
        r.intBetween("platformFeePercent", 0, 100),
        r.intBetween("clientNoShowFeePercent", 0, 100));
  }

  /** An ISO 4217 currency code the JVM knows ({@code CNY}, {@code USD}, {@code EUR}). */
  private static String currency(ConfigReader r, String key) {
    String code = r.nonEmptyString(key);
    try {
      java.util.Currency currency = java.util.Currency.getInstance(code);
      if (currency.getDefaultFractionDigits() < 0) {
        throw r.problem(key, "must be a currency with minor units, got " + code);
      }
      return currency.getCurrencyCode();
    } catch (IllegalArgumentException e) {
      throw r.problem(key, "must be an ISO 4217 currency code such as CNY, USD or EUR, got " + code);
    }
  }

}
