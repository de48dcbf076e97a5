package io.tandem.money;

import io.tandem.config.ConfigReader;
import io.tandem.webhook.WebhookConfig;

import java.util.List;

/**
 * Top-ups (docs/operations.md, "Payments"). {@code provider}: {@code demo} credits at once (demo
 * money, the default with the embedded database: {@code auto}), {@code external} leaves a top-up
 * pending until the operator's payment service confirms it with a webhook signed with
 * {@code webhookSecret}, {@code none} takes no top-ups. Amounts from {@code minTopUp} to {@code maxTopUp}.
 */
public record PaymentsConfig(String provider, String webhookSecret, long minTopUp, long maxTopUp) {
  public static final List<String> PROVIDERS = List.of("auto", "demo", "external", "none");

  /** The provider in effect: {@code auto} is {@code demo} with the embedded database, {@code none} with another. */
  public String effectiveProvider(boolean embeddedDatabase) {
    return provider.equals("auto") ? (embeddedDatabase ? "demo" : "none") : provider;
  }

  public static PaymentsConfig from(ConfigReader r) {
    String provider = r.nonEmptyString("provider");
    if (!PROVIDERS.contains(provider)) {
      throw r.problem("provider", "must be one of " + String.join(", ", PROVIDERS) + ", got " + provider);
    }
    String secret = r.string("webhookSecret");
    if (provider.equals("external") && secret.length() < WebhookConfig.MIN_SECRET_CHARS) {
      throw r.problem("webhookSecret", "must be set, " + WebhookConfig.MIN_SECRET_CHARS + " characters or more, when payments.provider is"
          + " external: the payment service signs its confirmations with it (for example whsec_ followed by: openssl rand -base64 32)");
    }
    long min = r.intBetween("minTopUp", 1, Integer.MAX_VALUE);
    long max = r.intBetween("maxTopUp", 1, Integer.MAX_VALUE);
    if (max < min) {
      throw r.problem("maxTopUp", "must not be below payments.minTopUp (" + min + "), got " + max);
    }
    return new PaymentsConfig(provider, secret, min, max);
  }
}
