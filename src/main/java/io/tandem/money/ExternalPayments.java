package io.tandem.money;

import io.tandem.kernel.Uuids;
import io.tandem.wire.StandardWebhooks;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A payment service of the operator's own (in front of Alipay, WeChat Pay, Stripe, ...): a top-up
 * waits as {@code pending} until that service confirms it with a webhook signed the Standard
 * Webhooks way with {@code payments.webhookSecret}: headers {@code webhook-id} (the event's unique
 * id), {@code webhook-timestamp} and {@code webhook-signature}, and the body
 * {@code {"type": "top_up.succeeded" | "top_up.failed", "data": {"topUpId", "amount", "currency"}}}.
 */
final class ExternalPayments implements PaymentProvider {
  private final String secret;

  ExternalPayments(String secret) {
    this.secret = secret;
  }

  @Override
  public String name() {
    return "external";
  }

  @Override
  public boolean demo() {
    return false;
  }

  @Override
  public boolean creditsAtOnce() {
    return false;
  }

  @Override
  public Optional<PaymentEvent> verify(Map<String, String> headers, String body, long nowSeconds) {
    String id = headers.get("webhook-id");
    if (id == null || id.isBlank() || id.length() > 200
        || !StandardWebhooks.verify(secret, id, headers.get("webhook-timestamp"), body, headers.get("webhook-signature"), nowSeconds)) {
      return Optional.empty();
    }
    return Optional.of(event(id, body));
  }

  /** The event of a genuine confirmation; a body off the documented shape is the sender's mistake ({@code bad_request}). */
  private static PaymentEvent event(String id, String body) {
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw io.tandem.wire.ApiError.badRequest("the body is not a JSON object");
    }
    String type = json.getValue("type") instanceof String t ? t : "";
    if (!type.equals("top_up.succeeded") && !type.equals("top_up.failed")) {
      throw io.tandem.wire.ApiError.badRequest("type must be top_up.succeeded or top_up.failed");
    }
    JsonObject data = json.getValue("data") instanceof JsonObject d ? d : new JsonObject();
    UUID topUp = data.getValue("topUpId") instanceof String t ? Uuids.parse(t).orElse(null) : null;
    if (topUp == null) {
      throw io.tandem.wire.ApiError.badRequest("data.topUpId must be the id of a top-up");
    }
    if (!(data.getValue("amount") instanceof Number amount) || amount.longValue() <= 0 || amount.doubleValue() != Math.rint(amount.doubleValue())
        || !(data.getValue("currency") instanceof String currency)) {
      throw io.tandem.wire.ApiError.badRequest("data.amount (whole minor units) and data.currency are required");
    }
    return new PaymentEvent(id, topUp, type.equals("top_up.succeeded"), amount.longValue(), currency);
  }
}
