package io.tandem.operator;

import io.tandem.reliability.Penalty;
import io.tandem.reliability.Ratings;
import io.tandem.session.OutcomeTable;
import io.tandem.topic.TopicEntry;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/** What an operator's action did ({@link OperatorActions}), each as its answer in the contract says it. */
public sealed interface ActionResult {
  JsonObject toJson();

  /** A waiting request cancelled by an operator. */
  record RequestCancelled(String id) implements ActionResult {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("requestId", id).put("status", "cancelled").put("reason", "operator");
    }
  }

  /** A session ended as the operator decided, with what it cost and earned. */
  record SessionEnded(String id, String status, OutcomeTable.Payment payment, String currency) implements ActionResult {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("status", status).put("payment", payment.toJson(currency));
    }
  }

  /** Part or all of what a client paid, given back, and who gave it back. */
  record Refunded(String sessionId, long amount, String currency, long fromExpert, long fromPlatform) implements ActionResult {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("sessionId", sessionId).put("amount", amount).put("currency", currency)
          .put("fromExpert", fromExpert).put("fromPlatform", fromPlatform);
    }
  }

  /** A wallet credited by the platform. */
  record Credited(String userId, long amount, String currency) implements ActionResult {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("userId", userId).put("amount", amount).put("currency", currency);
    }
  }

  /** A person's suspension as it stands after the action: until when, or none. */
  record Suspension(String userId, Optional<Instant> until) implements ActionResult {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("userId", userId).put("suspendedUntil", until.map(Instant::toString).orElse(null));
    }
  }

  /** A penalty waived, and the no-show fee given back with it (0 when none, or waived before). */
  record Waived(Penalty penalty, long feeRefunded) implements ActionResult {
    @Override
    public JsonObject toJson() {
      return penalty.toJson().put("feeRefunded", feeRefunded);
    }
  }

  /** A topic of the catalogue as saved. */
  /** A review hidden or shown again, as it is now. */
  record ReviewModerated(Ratings.Moderated review) implements ActionResult {
    @Override
    public JsonObject toJson() {
      return review.toJson();
    }
  }

  record TopicSaved(TopicEntry entry) implements ActionResult {
    @Override
    public JsonObject toJson() {
      return entry.toJson();
    }
  }
}
