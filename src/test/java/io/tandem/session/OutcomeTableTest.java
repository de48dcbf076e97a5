package io.tandem.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.kernel.SessionStatus;
import io.tandem.kernel.UserId;
import io.tandem.money.Account;
import io.tandem.money.EntryKind;
import io.tandem.money.Leg;
import io.tandem.money.Price;
import io.tandem.reliability.PenaltyKind;
import io.tandem.session.OutcomeTable.Whereabouts;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one table of how sessions end (docs/operations.md, "How a session ends"), row by row: who was
 * there decides the ending; the ending decides the exact ledger entries, the penalties and the requeue.
 */
class OutcomeTableTest {
  private static final UUID SESSION = UUID.fromString("00000000-0000-4000-8000-000000000001");
  private static final UserId CLIENT = new UserId(UUID.fromString("00000000-0000-4000-8000-00000000000c"));
  private static final UserId EXPERT = new UserId(UUID.fromString("00000000-0000-4000-8000-00000000000e"));
  /** 20.00 CNY, the platform's 10 % of it 2.00; a no-show fee of half the price. */
  private static final Price PRICE = new Price(2000, 200, "CNY");
  private static final long FEE = 1000;

  private static final Whereabouts THERE = Whereabouts.THERE;
  private static final Whereabouts AWAY = Whereabouts.AWAY;
  private static final Whereabouts OUT = Whereabouts.OUT;
  private static final Whereabouts LEFT = Whereabouts.LEFT;
  private static final Whereabouts DROPPED = Whereabouts.DROPPED;

  @Test
  @DisplayName("a join window that closes with someone missing: who did not join is the no-show")
  void afterJoinWindow() {
    assertThat(OutcomeTable.afterJoinWindow(false, false)).isEqualTo(SessionStatus.BOTH_NO_SHOW);
    assertThat(OutcomeTable.afterJoinWindow(true, false)).isEqualTo(SessionStatus.EXPERT_NO_SHOW);
    assertThat(OutcomeTable.afterJoinWindow(false, true)).isEqualTo(SessionStatus.CLIENT_NO_SHOW);
    assertThatThrownBy(() -> OutcomeTable.afterJoinWindow(true, true)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Every pair of whereabouts, client first, and what the active session becomes (null: it goes on). */
  static Stream<Arguments> departures() {
    SessionStatus completed = SessionStatus.COMPLETED;
    SessionStatus expertLeft = SessionStatus.EXPERT_LEFT;
    SessionStatus clientLeft = SessionStatus.CLIENT_LEFT;
    SessionStatus abandoned = SessionStatus.ABANDONED;
    Object[][] table = {
        // client    expert    ending
        {THERE, THERE, null},
        {THERE, AWAY, null},       // the expert may be back any moment
        {THERE, OUT, null},        // stepped out; the alone timeout has not run out
        {THERE, LEFT, expertLeft}, // out of the room past the alone timeout, the client waiting
        {THERE, DROPPED, expertLeft},
        {AWAY, THERE, null},
        {AWAY, AWAY, null},
        {AWAY, OUT, null},
        {AWAY, LEFT, null},        // the client may be back: then the expert left them; if not, abandoned
        {AWAY, DROPPED, null},
        {OUT, THERE, null},
        {OUT, AWAY, null},
        {OUT, OUT, completed},     // both left the room: done
        {OUT, LEFT, completed},
        {OUT, DROPPED, abandoned},
        {LEFT, THERE, clientLeft},
        {LEFT, AWAY, null},
        {LEFT, OUT, completed},
        {LEFT, LEFT, completed},
        {LEFT, DROPPED, abandoned},
        {DROPPED, THERE, clientLeft},
        {DROPPED, AWAY, null},
        {DROPPED, OUT, abandoned},
        {DROPPED, LEFT, abandoned},
        {DROPPED, DROPPED, abandoned},
    };
    return Stream.of(table).map(row -> Arguments.of(row[0], row[1], row[2]));
  }

  @ParameterizedTest(name = "client {0}, expert {1}: {2}")
  @MethodSource("departures")
  @DisplayName("an active session where someone went: the one who went for good left the other; both out of the room is done")
  void afterDeparture(Whereabouts client, Whereabouts expert, SessionStatus ending) {
    assertThat(OutcomeTable.afterDeparture(client, expert)).isEqualTo(Optional.ofNullable(ending));
  }

  @Test
  @DisplayName("the departures sweep looks for exactly the pairs that decide a session")
  void decidingWhereabouts() {
    assertThat(OutcomeTable.decidingWhereabouts()).containsExactlyInAnyOrderElementsOf(departures()
        .filter(row -> row.get()[2] != null)
        .map(row -> ((Whereabouts) row.get()[0]).stored() + ":" + ((Whereabouts) row.get()[1]).stored()).toList());
  }

  private static final List<Leg> CAPTURED = List.of(
      Leg.of(Account.ESCROW, EntryKind.CAPTURE, -2000), Leg.wallet(EXPERT, EntryKind.CAPTURE, 1800), Leg.of(Account.PLATFORM, EntryKind.PLATFORM_FEE, 200));
  private static final List<Leg> RELEASED = List.of(Leg.of(Account.ESCROW, EntryKind.RELEASE, -2000), Leg.wallet(CLIENT, EntryKind.RELEASE, 2000));
  private static final List<Leg> NO_SHOW_FEE = List.of(Leg.wallet(CLIENT, EntryKind.NO_SHOW_FEE, -1000), Leg.wallet(EXPERT, EntryKind.COMPENSATION, 1000));

  /** One row of the table: an ending, and all it leads to. */
  record Row(SessionStatus ending, boolean clientPenaltyStands, List<List<Leg>> transfers, List<String> offences, boolean requeued,
      long charged, long earned, Optional<UserId> causedBy) {}

  static Stream<Row> rows() {
    return Stream.of(
        new Row(SessionStatus.COMPLETED, false, List.of(CAPTURED), List.of(), false, 2000, 1800, Optional.empty()),
        new Row(SessionStatus.CLIENT_LEFT, false, List.of(CAPTURED), List.of(), false, 2000, 1800, Optional.of(CLIENT)),
        new Row(SessionStatus.EXPERT_NO_SHOW, false, List.of(RELEASED), List.of("expert no_show"), true, 0, 0, Optional.of(EXPERT)),
        new Row(SessionStatus.EXPERT_LEFT, false, List.of(RELEASED), List.of("expert expert_left"), true, 0, 0, Optional.of(EXPERT)),
        new Row(SessionStatus.CLIENT_NO_SHOW, true, List.of(RELEASED, NO_SHOW_FEE), List.of("client no_show"), false, 1000, 1000, Optional.of(CLIENT)),
        new Row(SessionStatus.CLIENT_NO_SHOW, false, List.of(RELEASED), List.of("client no_show"), false, 0, 0, Optional.of(CLIENT)),
        new Row(SessionStatus.BOTH_NO_SHOW, true, List.of(RELEASED), List.of("expert no_show", "client no_show"), false, 0, 0, Optional.of(EXPERT)),
        new Row(SessionStatus.ABANDONED, false, List.of(RELEASED), List.of(), false, 0, 0, Optional.empty()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  @DisplayName("each ending: its exact ledger entries, penalties, requeue, what it cost and earned, and whose doing it was")
  void endings(Row row) {
    List<OutcomeTable.Transfer> transfers = OutcomeTable.transfers(row.ending(), SESSION, CLIENT, EXPERT, PRICE, FEE, row.clientPenaltyStands());
    assertThat(transfers.stream().map(OutcomeTable.Transfer::legs).toList()).isEqualTo(row.transfers());
    assertThat(transfers.get(0).key()).isEqualTo("settle:" + SESSION);
    transfers.forEach(t -> assertThat(t.legs().stream().mapToLong(Leg::amount).sum()).as("double entry").isZero());
    assertThat(OutcomeTable.offences(row.ending()).stream().map(o -> (o.expert() ? "expert " : "client ") + o.kind().wireName()).toList())
        .isEqualTo(row.offences());
    assertThat(OutcomeTable.requeued(row.ending())).isEqualTo(row.requeued());
    assertThat(OutcomeTable.payment(row.ending(), PRICE, FEE, row.clientPenaltyStands())).isEqualTo(new OutcomeTable.Payment(row.charged(), row.earned()));
    assertThat(OutcomeTable.causedBy(row.ending(), CLIENT, EXPERT)).isEqualTo(row.causedBy());
  }

  @Test
  @DisplayName("every way a session ends has its row; an open session has none")
  void everyEndingHasARow() {
    assertThat(rows().map(Row::ending).distinct().toList())
        .containsExactlyInAnyOrder(Stream.of(SessionStatus.values()).filter(s -> !s.open()).toArray(SessionStatus[]::new));
    assertThatThrownBy(() -> OutcomeTable.paid(SessionStatus.ACTIVE)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("penalties are the expert's for failing the client, the client's only for not showing (their fee goes with the penalty)")
  void penaltyKinds() {
    assertThat(Map.of(
        SessionStatus.EXPERT_LEFT, OutcomeTable.offences(SessionStatus.EXPERT_LEFT).get(0).kind(),
        SessionStatus.EXPERT_NO_SHOW, OutcomeTable.offences(SessionStatus.EXPERT_NO_SHOW).get(0).kind()))
        .containsEntry(SessionStatus.EXPERT_LEFT, PenaltyKind.EXPERT_LEFT).containsEntry(SessionStatus.EXPERT_NO_SHOW, PenaltyKind.NO_SHOW);
    assertThat(OutcomeTable.transfers(SessionStatus.CLIENT_NO_SHOW, SESSION, CLIENT, EXPERT, PRICE, 0, true)).as("a fee of 0 is no transfer").hasSize(1);
  }
}
