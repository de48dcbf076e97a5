package io.tandem.money;

import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** A person's wallet as they read it: {@code GET /api/v1/me/ledger}. */
public final class Statements {
  /** Entries a statement shows at most, newest first. */
  private static final int ENTRIES = 500;

  private final Ledger ledger;
  private final TopUps topUps;
  private final String currency;

  public Statements(Ledger ledger, TopUps topUps, String currency) {
    this.ledger = ledger;
    this.topUps = topUps;
    this.currency = currency;
  }

  public String currency() {
    return currency;
  }

  /**
   * A wallet's balance and its entries, newest first; an entry of a session says which
   * ({@code sessionId}, {@code topic}, and {@code peerName}: the other participant), a {@code hold}
   * what became of it ({@code settlement}: held, paid or refunded), an operator's refund or credit
   * why ({@code note}); {@code payments} says how money is added here.
   */
  public record Statement(long balance, String currency, List<Ledger.Entry> entries, TopUps.Settings payments) {
    /** {@code GET /api/v1/me/ledger}: {@code {balance, currency, entries, payments}}. */
    public JsonObject toJson() {
      JsonArray lines = new JsonArray();
      for (Ledger.Entry entry : entries) {
        JsonObject json = new JsonObject()
            .put("id", entry.id().toString())
            .put("kind", entry.kind().stored())
            .put("amount", entry.amount())
            .put("createdAt", entry.createdAt().toString());
        if (entry.sessionId() != null) {
          // A booking not opened has no session yet: it is named as the booking it is.
          json.put(entry.bookingOnly() ? "bookingId" : "sessionId", entry.sessionId().toString()).put("topic", entry.topic())
              .put("peerName", entry.peerName());
        }
        if (entry.settlement() != null) {
          json.put("settlement", entry.settlement());
        }
        if (entry.note() != null) {
          json.put("note", entry.note());
        }
        lines.add(json);
      }
      return new JsonObject().put("balance", balance).put("currency", currency).put("entries", lines).put("payments", payments.toJson());
    }
  }

  public Future<Statement> statement(UserId user) {
    return Future.all(ledger.balance(user), ledger.entries(user, ENTRIES))
        .map(both -> new Statement(both.<Long>resultAt(0), currency, both.<List<Ledger.Entry>>resultAt(1), topUps.settings()));
  }
}
