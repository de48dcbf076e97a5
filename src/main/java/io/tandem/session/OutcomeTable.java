package io.tandem.session;

import io.tandem.kernel.SessionStatus;
import io.tandem.kernel.UserId;
import io.tandem.money.Account;
import io.tandem.money.EntryKind;
import io.tandem.money.Leg;
import io.tandem.money.Price;
import io.tandem.reliability.PenaltyKind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * How every session ends, in one table (DESIGN.md; docs/operations.md, "How a session ends"): the
 * ending, given who was there; and for each ending who pays what, who is penalised, and whether the
 * client's request goes back to the front of its queue. Who caused it pays, and nobody else. Plain
 * Java: the database says when a session is due, this says what it becomes; {@link Outcomes}
 * carries it out.
 *
 * <pre>
 * ending          money                                   penalty                      request
 * completed       captured: expert earns, platform fee    -                            -
 * client_left     captured (the expert was there for it)  -                            -
 * expert_no_show  released to the client                  expert no_show               back first
 * expert_left     released to the client                  expert expert_left           back first
 * client_no_show  released, then the no-show fee to the   client no_show (the fee      -
 *                 expert unless the penalty is waived     goes with it when waived)
 * both_no_show    released                                expert and client no_show    -
 * abandoned       released                                -                            -
 * </pre>
 */
public final class OutcomeTable {
  private OutcomeTable() {}

  /** Where a participant of an active online session is, as its departures sweep reads it. */
  public enum Whereabouts {
    /** In the room, connected. */
    THERE("there"),
    /** Dropped, within the reconnect grace; or stepped out of the room less than the grace ago: may be back any moment. */
    AWAY("away"),
    /** Stepped out of the room ({@code room.leave}) at least the reconnect grace ago, but not the alone timeout. */
    OUT("out"),
    /** Stepped out of the room and not back within the alone timeout: gone on purpose. */
    LEFT("left"),
    /** Dropped, and not back within the reconnect grace. */
    DROPPED("dropped");

    private final String stored;

    Whereabouts(String stored) {
      this.stored = stored;
    }

    public String stored() {
      return stored;
    }

    public static Whereabouts stored(String name) {
      for (Whereabouts w : values()) {
        if (w.stored.equals(name)) {
          return w;
        }
      }
      throw new IllegalArgumentException("unknown whereabouts " + name);
    }

    boolean outOfTheRoom() {
      return this == OUT || this == LEFT;
    }

    boolean goneForGood() {
      return this == LEFT || this == DROPPED;
    }
  }

  /** The ending of a session whose join window closed with someone missing (both joined: it is active, not due). */
  public static SessionStatus afterJoinWindow(boolean clientJoined, boolean expertJoined) {
    if (clientJoined && expertJoined) {
      throw new IllegalArgumentException("both joined: the session started, its join window has nothing to close");
    }
    if (!clientJoined && !expertJoined) {
      return SessionStatus.BOTH_NO_SHOW;
    }
    return clientJoined ? SessionStatus.EXPERT_NO_SHOW : SessionStatus.CLIENT_NO_SHOW;
  }

  /**
   * The ending of an active online session given where its two participants are, or empty while it
   * goes on: both out of the room, it is done; one gone for good while the other is there, the one
   * who went left the other; one dropped for good while the other is not there either, nobody can be
   * told apart from a network fault, and it is abandoned. Nobody away: they may be back any moment.
   */
  public static Optional<SessionStatus> afterDeparture(Whereabouts client, Whereabouts expert) {
    if (client == Whereabouts.AWAY || expert == Whereabouts.AWAY) {
      return Optional.empty();
    }
    if (client.outOfTheRoom() && expert.outOfTheRoom()) {
      return Optional.of(SessionStatus.COMPLETED);
    }
    if (expert.goneForGood() && client == Whereabouts.THERE) {
      return Optional.of(SessionStatus.EXPERT_LEFT);
    }
    if (client.goneForGood() && expert == Whereabouts.THERE) {
      return Optional.of(SessionStatus.CLIENT_LEFT);
    }
    if ((client == Whereabouts.DROPPED && expert != Whereabouts.THERE) || (expert == Whereabouts.DROPPED && client != Whereabouts.THERE)) {
      return Optional.of(SessionStatus.ABANDONED);
    }
    return Optional.empty();
  }

  /** Every pair of whereabouts, {@code client:expert}, that decides a session: what the departures sweep looks for. */
  public static List<String> decidingWhereabouts() {
    List<String> pairs = new ArrayList<>();
    for (Whereabouts client : Whereabouts.values()) {
      for (Whereabouts expert : Whereabouts.values()) {
        if (afterDeparture(client, expert).isPresent()) {
          pairs.add(client.stored() + ":" + expert.stored());
        }
      }
    }
    return pairs;
  }

  /** Whose fault an ending is, for {@code endedBy}: the one who did not show or went; empty when nobody's in particular. */
  public static Optional<UserId> causedBy(SessionStatus ending, UserId client, UserId expert) {
    return switch (ending) {
      case CLIENT_NO_SHOW, CLIENT_LEFT -> Optional.of(client);
      case EXPERT_NO_SHOW, BOTH_NO_SHOW, EXPERT_LEFT -> Optional.of(expert);
      default -> Optional.empty();
    };
  }

  /** An offence an ending costs someone; {@code bookedReason}: the same said of a booked session (nobody accepted or asked). */
  public record Offence(boolean expert, PenaltyKind kind, String reason, String bookedReason) {
    /** Why, as the penalised reads it, for a session matched from a request ({@code booked} false) or opened from a booking. */
    public String reason(boolean booked) {
      return booked ? bookedReason : reason;
    }
  }

  private static final Offence EXPERT_NO_SHOW = new Offence(true, PenaltyKind.NO_SHOW, "accepted a consultation and did not join it",
      "was booked for a consultation and did not join it");
  private static final Offence CLIENT_NO_SHOW = new Offence(false, PenaltyKind.NO_SHOW, "asked for a consultation and did not join it",
      "booked a consultation and did not join it");
  private static final Offence EXPERT_LEFT = new Offence(true, PenaltyKind.EXPERT_LEFT, "joined a consultation and left the client alone in it",
      "joined a consultation and left the client alone in it");

  /** The offences of an ending, in the order they are recorded. */
  public static List<Offence> offences(SessionStatus ending) {
    return switch (ending) {
      case EXPERT_NO_SHOW -> List.of(EXPERT_NO_SHOW);
      case CLIENT_NO_SHOW -> List.of(CLIENT_NO_SHOW);
      case BOTH_NO_SHOW -> List.of(EXPERT_NO_SHOW, CLIENT_NO_SHOW);
      case EXPERT_LEFT -> List.of(EXPERT_LEFT);
      default -> List.of();
    };
  }

  private static final Set<SessionStatus> PAID = EnumSet.of(SessionStatus.COMPLETED, SessionStatus.CLIENT_LEFT);
  private static final Set<SessionStatus> REQUEUED = EnumSet.of(SessionStatus.EXPERT_NO_SHOW, SessionStatus.EXPERT_LEFT);

  /** Whether the held price is paid (to the expert and the platform) rather than given back to the client. */
  public static boolean paid(SessionStatus ending) {
    requireEnding(ending);
    return PAID.contains(ending);
  }

  /** Whether the client's request goes back to the front of its queue (the expert failed them). */
  public static boolean requeued(SessionStatus ending) {
    requireEnding(ending);
    return REQUEUED.contains(ending);
  }

  /** One transfer of the ledger: its legs, posted once under its key. */
  public record Transfer(String key, List<Leg> legs) {}

  /**
   * The ledger transfers of an ending: the held price settled one way or the other, and for a
   * client no-show whose penalty stands (not waived) the fee, from the client to the expert.
   */
  public static List<Transfer> transfers(SessionStatus ending, UUID session, UserId client, UserId expert, Price price, long noShowFee,
      boolean clientPenaltyStands) {
    List<Transfer> transfers = new ArrayList<>();
    transfers.add(paid(ending)
        ? new Transfer("settle:" + session, List.of(
            Leg.of(Account.ESCROW, EntryKind.CAPTURE, -price.amount()),
            Leg.wallet(expert, EntryKind.CAPTURE, price.expertEarns()),
            Leg.of(Account.PLATFORM, EntryKind.PLATFORM_FEE, price.platformFee())))
        : new Transfer("settle:" + session, List.of(
            Leg.of(Account.ESCROW, EntryKind.RELEASE, -price.amount()),
            Leg.wallet(client, EntryKind.RELEASE, price.amount()))));
    if (chargesNoShowFee(ending, noShowFee, clientPenaltyStands)) {
      transfers.add(new Transfer("no-show-fee:" + session, List.of(
          Leg.wallet(client, EntryKind.NO_SHOW_FEE, -noShowFee),
          Leg.wallet(expert, EntryKind.COMPENSATION, noShowFee))));
    }
    return transfers;
  }

  /** What an ending cost the client and earned the expert, in all. */
  public record Payment(long charged, long earned) {
    /** {@code payment} of {@code session.ended} and of a session's view: {@code {currency, charged, earned}}. */
    public io.vertx.core.json.JsonObject toJson(String currency) {
      return new io.vertx.core.json.JsonObject().put("currency", currency).put("charged", charged).put("earned", earned);
    }
  }

  public static Payment payment(SessionStatus ending, Price price, long noShowFee, boolean clientPenaltyStands) {
    long fee = chargesNoShowFee(ending, noShowFee, clientPenaltyStands) ? noShowFee : 0;
    return paid(ending) ? new Payment(price.amount(), price.expertEarns()) : new Payment(fee, fee);
  }

  private static boolean chargesNoShowFee(SessionStatus ending, long noShowFee, boolean clientPenaltyStands) {
    return ending == SessionStatus.CLIENT_NO_SHOW && clientPenaltyStands && noShowFee > 0;
  }

  private static void requireEnding(SessionStatus ending) {
    if (ending.open()) {
      throw new IllegalArgumentException(ending + " is not how a session ends");
    }
  }
}
