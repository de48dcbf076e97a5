package io.tandem.money;

import io.vertx.sqlclient.Pool;

/** Money as the rest of the node uses it: prices, the ledger, wallets' statements, top-ups. */
public record MoneyFeature(Pricing pricing, Ledger ledger, Statements statements, TopUps topUps) {
  /**
   * {@code embeddedDatabase}: whether the node runs on its embedded PostgreSQL (demo money by default,
   * payments.provider auto); {@code catalogue}: the topic catalogue's prices.
   */
  public static MoneyFeature build(Pool pool, LedgerConfig ledgerConfig, PaymentsConfig payments, boolean embeddedDatabase, TopicPrices catalogue) {
    Pricing pricing = new Pricing(ledgerConfig, catalogue);
    Ledger ledger = new Ledger(pool);
    TopUps topUps = new TopUps(pool, TopUps.provider(payments, embeddedDatabase), payments, pricing.currency());
    return new MoneyFeature(pricing, ledger, new Statements(ledger, topUps, pricing.currency()), topUps);
  }
}
