package io.tandem.operator;

import io.tandem.money.Statements;
import io.tandem.reliability.Reliability;
import io.tandem.session.PastSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What the operator console reads ({@link OperatorViews}), row by row, each rendering the shape
 * the console's API gives it (docs/protocol.md, "Operator console"). Instants are null until they happen.
 */
public final class ConsoleRows {
  private ConsoleRows() {}

  /** Someone named in a row: their id and display name. */
  public record Name(UUID id, String displayName) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id.toString()).put("displayName", displayName);
    }
  }

  /** An account, with its wallet's balance and the suspension running, if any. */
  public record Account(UUID id, String username, String displayName, String role, Instant createdAt, Instant suspendedUntil, long balance) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id.toString()).put("username", username).put("displayName", displayName).put("role", role)
          .put("createdAt", text(createdAt)).put("suspendedUntil", text(suspendedUntil)).put("balance", balance);
    }
  }

  /** A waiting request's client and since when it waits. */
  public record Waiting(Name client, Instant queuedAt) {}

  /** A request; {@code waiting} (null in a person's own list): its client and since when, in the queue's list. */
  public record Request(UUID id, String topic, String mode, String status, Instant createdAt, Long price, String reason, UUID sessionId,
      Waiting waiting) {
    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("id", id.toString()).put("topic", topic).put("mode", mode).put("status", status)
          .put("createdAt", text(createdAt)).put("price", price).put("reason", reason).put("sessionId", sessionId == null ? null : sessionId.toString());
      if (waiting != null) {
        json.put("client", waiting.client().toJson()).put("queuedAt", text(waiting.queuedAt()));
      }
      return json;
    }
  }

  /** A person as the console shows them: the account, their requests and sessions, their wallet, their record, what operators did to them. */
  public record Person(Account account, List<Request> requests, List<PastSession> sessions, Statements.Statement wallet,
      Reliability.PenaltyRecord record, List<Audit.Entry> actions) {
    public JsonObject toJson() {
      JsonObject penalties = record.toJson();
      return account.toJson()
          .put("requests", new JsonArray(requests.stream().map(Request::toJson).toList()))
          .put("sessions", new JsonArray(sessions.stream().map(PastSession::toJson).toList()))
          .put("ledger", wallet.toJson().getJsonArray("entries"))
          .put("reliability", penalties.getJsonObject("reliability"))
          .put("penalties", penalties.getJsonArray("penalties"))
          .put("audit", new JsonArray(actions.stream().map(Audit.Entry::toJson).toList()));
    }
  }

  /** A topic's queue: how many wait, the oldest wait, and its median time to a match over the last hour (null: none matched). */
  public record Queue(String topic, long waiting, long oldestWaitSeconds, Long etaSeconds) {
    public JsonObject toJson() {
      return new JsonObject().put("topic", topic).put("waiting", waiting).put("oldestWaitSeconds", oldestWaitSeconds).put("etaSeconds", etaSeconds);
    }
  }

  /** An expert online (or reconnecting) or suspended, with their load against capacity. */
  public record Expert(UUID id, String displayName, String status, List<String> topics, List<String> modes, int load, int capacity) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id.toString()).put("displayName", displayName).put("status", status)
          .put("topics", new JsonArray(topics)).put("modes", new JsonArray(modes)).put("load", load).put("capacity", capacity);
    }
  }

  /** A session waiting for its participants or under way. */
  public record LiveSession(UUID id, String mode, String status, Name client, Name expert, Instant createdAt, Instant startedAt) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id.toString()).put("mode", mode).put("status", status).put("client", client.toJson())
          .put("expert", expert.toJson()).put("createdAt", text(createdAt)).put("startedAt", text(startedAt));
    }
  }

  /** A penalty in the console's list, with whom it is on. */
  public record PenaltyLine(UUID id, Name user, String role, String kind, int points, String reason, UUID sessionId, Instant createdAt,
      boolean waived) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id.toString()).put("user", user.toJson().put("role", role)).put("kind", kind).put("points", points)
          .put("reason", reason).put("sessionId", sessionId == null ? null : sessionId.toString()).put("createdAt", text(createdAt))
          .put("waived", waived);
    }
  }

  /** One ledger account kind's balance. */
  public record AccountTotal(String account, long balance) {}

  /** The balance of each ledger account kind; double entry makes their total 0. */
  public record LedgerTotals(List<AccountTotal> accounts, String currency) {
    public long total() {
      return accounts.stream().mapToLong(AccountTotal::balance).sum();
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("accounts", new JsonArray(accounts.stream().map(a -> new JsonObject().put("account", a.account()).put("balance", a.balance())).toList()))
          .put("total", total()).put("currency", currency);
    }
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }
}
