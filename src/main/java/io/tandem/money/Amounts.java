package io.tandem.money;

import java.math.BigDecimal;
import java.util.Currency;

/** Minor units as people read them in the server's own messages ("CNY 50.00"); the apps format them in the reader's language. */
public final class Amounts {
  private Amounts() {}

  public static String format(long minorUnits, String currency) {
    int digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
    return currency + " " + BigDecimal.valueOf(minorUnits, digits).toPlainString();
  }
}
