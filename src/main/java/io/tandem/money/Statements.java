package io.tandem.money;

import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

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
   * {@code {balance, currency, entries, payments}}: the balance and the wallet's entries, newest
   * first; an entry of a session says which ({@code sessionId}, {@code topic}, and {@code peerName}:
   * the other participant), a {@code hold} what became of it ({@code settlement}: held, paid or
   * refunded), an operator's refund or credit why ({@code note}); {@code payments} says how money is
   * added here.
   */
  public Future<JsonObject> statement(UserId user) {
    return Future.all(ledger.balance(user), ledger.entries(user, ENTRIES)).map(both -> {
      JsonArray entries = new JsonArray();
      for (Ledger.Entry entry : both.<java.util.List<Ledger.Entry>>resultAt(1)) {
        JsonObject json = new JsonObject()
            .put("id", entry.id().toString())
            .put("kind", entry.kind().stored())
            .put("amount", entry.amount())
            .put("createdAt", entry.createdAt().toString());
        if (entry.sessionId() != null) {
          json.put("sessionId", entry.sessionId().toString()).put("topic", entry.topic()).put("peerName", entry.peerName());
        }
        if (entry.settlement() != null) {
          json.put("settlement", entry.settlement());
        }
        if (entry.note() != null) {
          json.put("note", entry.note());
        }
        entries.add(json);
      }
      return new JsonObject().put("balance", both.<Long>resultAt(0)).put("currency", currency).put("entries", entries)
          .put("payments", topUps.settings());
    });
  }
}
