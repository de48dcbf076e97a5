package io.tandem.money;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.TandemConfig;
import io.tandem.kernel.SessionId;
import io.tandem.session.Outcomes;
import io.tandem.session.RacingOutcomes;
import io.tandem.testing.Actors;
import io.tandem.testing.LedgerInvariants;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestClient.Session;
import io.tandem.testing.TestClient;
import io.tandem.testing.TestConfig;
import io.tandem.testing.TestSocket;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Property: whatever a consultation's life brings (asking, the client stepping away and back,
 * offers accepted and declined, joins, drops, time passing, ends, refunds, waivers, top-ups), and
 * with two clustered nodes racing where it matters (two devices accepting one offer on two nodes,
 * both participants ending at once on two nodes, both nodes' sweepers and outcome services closing
 * one join window, two operators refunding one session on two nodes), after every step the money
 * is right: the ledger sums to zero, transfer by transfer; no wallet is below zero; an open
 * session's escrow holds its price and a settled one's nothing; a client no-show has exactly one
 * fee unless its penalty is waived, and none otherwise; refunds never exceed what was paid;
 * nobody is charged for a request that was never offered while they were there; and a booking
 * (booked, its free period run out, cancelled by both sides at once on two nodes, or opened at its
 * start and then lived as a session) holds its price while confirmed and, once cancelled, has
 * charged the client its late fee at most and nothing when the expert cancelled.
 */
@Label("Money")
class LedgerProperties {
  private static final String ADMIN = "ledger-admin";
  private static final String PASSWORD = "ledger-admin-password";
  private static TandemConfig config;
  private static RunningNode a;
  private static RunningNode b;
  private static List<Outcomes> racers;
  private static List<String> adminTokens;

  @BeforeContainer
  static void start() {
    String cluster = "ledger-" + UUID.randomUUID();
    Map<String, String> settings = Map.ofEntries(
        Map.entry("cluster.enabled", "true"), Map.entry("cluster.name", cluster), Map.entry("cluster.leaseSeconds", "3"),
        Map.entry("auth.admins", TestConfig.admin(ADMIN, PASSWORD)),
        Map.entry("matching.sweepIntervalMs", "200"),
        Map.entry("matching.clientGoneSeconds", "2"),
        Map.entry("matching.clientPresentSeconds", "1"),
        Map.entry("session.joinWindowSeconds", "600"),
        Map.entry("session.lateGraceSeconds", "0"),
        Map.entry("session.reconnectGraceSeconds", "1"),
        Map.entry("session.aloneTimeoutSeconds", "2"),
        Map.entry("penalties.waiveFirstOffence", "false"));
    config = TestConfig.with(settings);
    a = RunningNode.start(config);
    b = RunningNode.start(config);
    racers = List.of(RacingOutcomes.on(a, config), RacingOutcomes.on(b, config));
    adminTokens = List.of(a.http().logIn(ADMIN, PASSWORD), b.http().logIn(ADMIN, PASSWORD));
  }

  @AfterContainer
  static void stop() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  /** What can happen in a consultation's life, and to its money. */
  enum Step {
    ASK, CLIENT_AWAY, CLIENT_BACK, ACCEPT, DECLINE, MEET, CLIENT_JOINS, EXPERT_JOINS, EXPERT_DROPS, EXPERT_BACK, EXPERT_LEAVES_ROOM,
    TIME_PASSES, CLOSE_WINDOW_RACE, BOTH_END, REFUND_RACE, WAIVE, TOP_UP,
    /** The client books the expert's next free time; its price is held. */
    BOOK,
    /** The free period of the client's bookings runs out: a cancellation costs the fee from now on. */
    FREE_PERIOD_ENDS,
    /** The client and the expert cancel the same booking at once, on the two nodes. */
    CANCEL_RACE,
    /** A booking's start comes (while the expert is in no other session): its session opens, the one the next steps act on. */
    BOOKING_STARTS
  }

  /** How a session's life may go once an expert accepted: each a way it ends (or not yet), by the outcome table. */
  private static final List<List<Step>> SESSION_LIVES = List.of(
      List.of(Step.MEET, Step.BOTH_END),                                             // completed
      List.of(Step.MEET, Step.CLIENT_AWAY, Step.TIME_PASSES),                         // client_left
      List.of(Step.MEET, Step.EXPERT_DROPS, Step.TIME_PASSES),                        // expert_left, dropped
      List.of(Step.MEET, Step.EXPERT_LEAVES_ROOM, Step.TIME_PASSES),                  // expert_left, out of the room
      List.of(Step.MEET, Step.CLIENT_AWAY, Step.EXPERT_DROPS, Step.TIME_PASSES),      // abandoned
      List.of(Step.CLIENT_JOINS, Step.CLOSE_WINDOW_RACE),                            // expert_no_show, requeued
      List.of(Step.EXPERT_JOINS, Step.CLOSE_WINDOW_RACE),                            // client_no_show
      List.of(Step.CLOSE_WINDOW_RACE),                                               // both_no_show
      List.of(Step.MEET));                                                           // still going

  /** How a booking's life may go: cancelled (free or late, by a race of both sides), or opened at its start and then as a session. */
  private static final List<List<Step>> BOOKING_LIVES = List.of(
      List.of(Step.BOOK, Step.CANCEL_RACE),
      List.of(Step.BOOK, Step.FREE_PERIOD_ENDS, Step.CANCEL_RACE),
      List.of(Step.BOOK, Step.BOOKING_STARTS, Step.MEET, Step.BOTH_END),
      List.of(Step.BOOK, Step.BOOKING_STARTS, Step.CLIENT_JOINS, Step.CLOSE_WINDOW_RACE),
      List.of(Step.BOOK, Step.BOOKING_STARTS, Step.EXPERT_JOINS, Step.CLOSE_WINDOW_RACE),
      List.of(Step.BOOK));

  @Provide
  Arbitrary<List<Step>> lives() {
    // A life is one to three consultations (asking, an accept, one of the session's lives, then
    // money put right), with steps of any kind thrown in anywhere: a step that does not apply when
    // it comes is skipped.
    Arbitrary<List<Step>> asked = Combinators.combine(
            Arbitraries.of(SESSION_LIVES),
            Arbitraries.of(Step.REFUND_RACE, Step.WAIVE, Step.TOP_UP).list().ofMaxSize(3))
        .as((session, money) -> {
          List<Step> steps = new ArrayList<>(List.of(Step.CLIENT_BACK, Step.EXPERT_BACK, Step.ASK, Step.ACCEPT));
          steps.addAll(session);
          steps.addAll(money);
          return steps;
        });
    Arbitrary<List<Step>> booked = Combinators.combine(
            Arbitraries.of(BOOKING_LIVES),
            Arbitraries.of(Step.REFUND_RACE, Step.WAIVE, Step.TOP_UP).list().ofMaxSize(2))
        .as((booking, money) -> {
          List<Step> steps = new ArrayList<>(List.of(Step.CLIENT_BACK, Step.EXPERT_BACK));
          steps.addAll(booking);
          steps.addAll(money);
          return steps;
        });
    Arbitrary<List<Step>> consultation = Arbitraries.frequencyOf(Tuple.of(2, asked), Tuple.of(1, booked));
    Arbitrary<List<Step>> noise = Arbitraries.of(Step.values()).list().ofMaxSize(4);
    return Combinators.combine(consultation.list().ofMinSize(1).ofMaxSize(3), noise, Arbitraries.randoms())
        .as((consultations, extra, random) -> {
          List<Step> life = new ArrayList<>();
          consultations.forEach(life::addAll);
          for (Step step : extra) {
            life.add(1 + random.nextInt(life.size()), step);
          }
          return life;
        });
  }

  @Property(tries = 25, seed = "20261206", edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.OFF)
  @Label("after every step of any consultation's life, the ledger holds: double entry, no wallet below zero, escrow, fees, refunds, presence")
  void moneyStaysRight(@ForAll("lives") List<Step> life) {
    try (Life one = new Life()) {
      for (Step step : life) {
        boolean applied = one.apply(step);
        Statistics.label("steps applied").collect(applied ? step.name() : "skipped");
        one.checkInvariants(step);
      }
    }
  }

  /** One client and one expert on a topic of their own, each with a device on each node. */
  private static final class Life implements AutoCloseable {
    private final String topic = Actors.uniqueTopic();
    private final Session client = a.http().signUp("client");
    private final Session expert = a.http().signUp("expert");
    private TestSocket clientSocket;
    private final List<TestSocket> expertSockets = new ArrayList<>();
    private boolean clientThere;
    private String sessionId;
    private int topUps;

    Life() {
      a.http().put("/api/v1/experts/me", new JsonObject().put("topics", new io.vertx.core.json.JsonArray().add(topic))
          .put("modes", new io.vertx.core.json.JsonArray().add("chat")).put("location", new JsonObject().put("lat", Actors.SHANGHAI_LAT)
              .put("lng", Actors.SHANGHAI_LNG)).put("capacity", 1), expert.accessToken());
      clientSocket = TestSocket.connect(a.node().httpPort(), client.accessToken());
      clientThere = true;
      expertSockets.add(TestSocket.connect(a.node().httpPort(), expert.accessToken()));
      expertSockets.add(TestSocket.connect(b.node().httpPort(), expert.accessToken()));
      expertSockets.get(1).ack("presence.online", new JsonObject());
      a.http().put("/api/v1/experts/me/availability", io.tandem.testing.BookingFixtures.allDay(), expert.accessToken());
    }

    boolean apply(Step step) {
      return switch (step) {
        case ASK -> ask();
        case CLIENT_AWAY -> clientAway();
        case CLIENT_BACK -> clientBack();
        case ACCEPT -> accept();
        case DECLINE -> decline();
        case MEET -> clientThere && expertThere() && sessionId != null && join(clientSocket) && join(expertSockets.get(1));
        case CLIENT_JOINS -> clientThere && sessionId != null && join(clientSocket);
        case EXPERT_JOINS -> expertThere() && sessionId != null && join(expertSockets.get(0));
        case EXPERT_DROPS -> expertThere() && expertDrops();
        case EXPERT_BACK -> !expertThere() && expertBack();
        case EXPERT_LEAVES_ROOM -> expertThere() && sessionId != null
            && expertSockets.get(0).call("room.leave", new JsonObject().put("sessionId", sessionId)) != null;
        case TIME_PASSES -> timePasses();
        case CLOSE_WINDOW_RACE -> closeWindowRace();
        case BOTH_END -> bothEnd();
        case REFUND_RACE -> refundRace();
        case WAIVE -> waive();
        case TOP_UP -> topUp();
        case BOOK -> book();
        case FREE_PERIOD_ENDS -> Sql.update("UPDATE bookings SET free_cancel_until = now() - interval '1 second'"
            + " WHERE client_id = ?::uuid AND status = 'confirmed'", client.userId()) > 0;
        case CANCEL_RACE -> cancelRace();
        case BOOKING_STARTS -> bookingStarts();
      };
    }

    private boolean book() {
      String start = io.tandem.testing.BookingFixtures.slots(a.http(), new Actors.Person(expert, null), java.time.Instant.now().plus(Duration.ofDays(2)))
          .get(0);
      TestClient.Response made = b.http().post("/api/v1/bookings", new JsonObject().put("expertId", expert.userId()).put("topic", topic)
          .put("mode", "chat").put("startAt", start), client.accessToken());
      assertThat(made.status()).as("a booking's answer: %s", made.text()).isIn(201, 409);
      return made.status() == 201;
    }

    private String confirmedBooking() {
      return Sql.string("SELECT id::text FROM bookings WHERE client_id = ?::uuid AND status = 'confirmed' ORDER BY start_at LIMIT 1", client.userId());
    }

    /** Both sides cancel the client's first confirmed booking at once, each on a node of its own: one of them does it. */
    private boolean cancelRace() {
      String booking = confirmedBooking();
      if (booking == null) {
        return false;
      }
      CompletableFuture<TestClient.Response> byClient = CompletableFuture.supplyAsync(() -> a.http().delete("/api/v1/bookings/" + booking,
          client.accessToken()));
      CompletableFuture<TestClient.Response> byExpert = CompletableFuture.supplyAsync(() -> b.http().delete("/api/v1/bookings/" + booking,
          expert.accessToken()));
      List<Integer> statuses = List.of(byClient.join().status(), byExpert.join().status());
      assertThat(statuses).as("two cancellations of one booking").containsExactlyInAnyOrder(200, 409);
      return true;
    }

    /**
     * The start of the client's first confirmed booking comes now. While the expert is at capacity
     * (a session or an offer of an instant request) the opening waits; otherwise the sweep opens its
     * session, which the next steps act on.
     */
    private boolean bookingStarts() {
      String booking = confirmedBooking();
      if (booking == null) {
        return false;
      }
      Sql.update("UPDATE bookings SET start_at = now(), end_at = now() + interval '1 millisecond', quiet_from = now(), free_cancel_until = now()"
          + " WHERE id = ?::uuid", booking);
      boolean free = Sql.count("SELECT count(*) FROM expert_presence p WHERE p.expert_id = ?::uuid AND expert_load(p.expert_id) < p.capacity",
          expert.userId()) > 0;
      if (free) {
        Poll.until("the booking's session opened", Duration.ofSeconds(10),
            () -> "opened".equals(Sql.string("SELECT status FROM bookings WHERE id = ?::uuid", booking)));
        sessionId = booking;
      }
      return free;
    }

    private boolean ask() {
      if (!clientThere) {
        return false;
      }
      JsonObject answer = clientSocket.call("request.create", Actors.request(topic, "chat"));
      if ("ack".equals(answer.getString("type"))) {
        sessionId = null;
      }
      return true;
    }

    /** The client's connection closes, and the server has seen it. */
    private boolean clientAway() {
      if (!clientThere) {
        return false;
      }
      clientSocket.close();
      clientThere = false;
      Poll.until("the server saw the client go", Duration.ofSeconds(5),
          () -> Sql.count("SELECT count(*) FROM connections WHERE user_id = ?::uuid", client.userId()) == 0);
      return true;
    }

    private boolean clientBack() {
      if (clientThere) {
        return false;
      }
      clientSocket = TestSocket.connect(b.node().httpPort(), client.accessToken());
      clientThere = true;
      return true;
    }

    private boolean expertThere() {
      return !expertSockets.isEmpty();
    }

    /** Both of the expert's devices lose their connection. */
    private boolean expertDrops() {
      expertSockets.forEach(TestSocket::close);
      expertSockets.clear();
      return true;
    }

    private boolean expertBack() {
      expertSockets.add(TestSocket.connect(a.node().httpPort(), expert.accessToken()));
      expertSockets.add(TestSocket.connect(b.node().httpPort(), expert.accessToken()));
      expertSockets.get(0).call("presence.online", new JsonObject());
      return true;
    }

    private String pendingOffer() {
      return Sql.string("SELECT o.id::text FROM offers o JOIN requests r ON r.id = o.request_id WHERE r.client_id = ?::uuid AND o.state = 'pending'",
          client.userId());
    }

    /** Both of the expert's devices, on the two nodes, accept the pending offer at once. */
    private boolean accept() {
      if (!expertThere()) {
        return false;
      }
      boolean waiting = Sql.count("SELECT count(*) FROM requests WHERE client_id = ?::uuid AND status IN ('queued', 'offered')", client.userId()) > 0;
      if (waiting && clientThere) {
        // Offers are made in batches a few milliseconds apart: give the one for a client who is there the time to come.
        try {
          Poll.until("an offer", Duration.ofSeconds(2), () -> pendingOffer() != null);
        } catch (AssertionError none) {
          // the expert may be busy, away or excluded: nothing to accept
        }
      }
      String offer = pendingOffer();
      if (offer == null) {
        return false;
      }
      boolean clientWasThere = clientThere;
      List<CompletableFuture<JsonObject>> answers = expertSockets.stream()
          .map(socket -> CompletableFuture.supplyAsync(() -> socket.call("offer.accept", new JsonObject().put("offerId", offer)))).toList();
      List<JsonObject> acks = answers.stream().map(CompletableFuture::join).filter(answer -> "ack".equals(answer.getString("type"))).toList();
      assertThat(acks).as("accepts of one offer that succeed").hasSizeLessThanOrEqualTo(1);
      if (!acks.isEmpty()) {
        assertThat(clientWasThere).as("a session only for a client who is there").isTrue();
        sessionId = acks.get(0).getString("sessionId");
      }
      return true;
    }

    private boolean decline() {
      if (!expertThere()) {
        return false;
      }
      String offer = pendingOffer();
      return offer != null && expertSockets.get(0).call("offer.decline", new JsonObject().put("offerId", offer)) != null;
    }

    private boolean join(TestSocket socket) {
      socket.call("room.join", new JsonObject().put("sessionId", sessionId));
      return true;
    }

    /**
     * Ten minutes pass for this pair's request, offer and session: every deadline and grace runs
     * out at once; then the sweepers of both nodes are waited for until nothing of theirs is due.
     */
    private boolean timePasses() {
      String shift = "interval '10 minutes'";
      Sql.update("UPDATE requests SET client_seen_at = client_seen_at - " + shift + ", client_away_since = client_away_since - " + shift
          + " WHERE client_id = ?::uuid", client.userId());
      Sql.update("UPDATE offers SET expires_at = expires_at - " + shift + " WHERE expert_id = ?::uuid AND state = 'pending'", expert.userId());
      Sql.update("UPDATE sessions SET join_deadline = join_deadline - " + shift + ", client_disconnected_at = client_disconnected_at - " + shift
          + ", expert_disconnected_at = expert_disconnected_at - " + shift + ", client_left_at = client_left_at - " + shift
          + ", expert_left_at = expert_left_at - " + shift + " WHERE client_id = ?::uuid AND status IN ('waiting', 'active')", client.userId());
      Poll.until("the sweepers caught up", Duration.ofSeconds(10), () -> Sql.count("SELECT"
          + " (SELECT count(*) FROM sessions WHERE client_id = ?::uuid AND status = 'waiting' AND join_deadline < now())"
          + " + (SELECT count(*) FROM sessions WHERE client_id = ?::uuid AND status = 'active' AND least(client_disconnected_at,"
          + "     expert_disconnected_at, client_left_at, expert_left_at) < now() - interval '5 minutes')"
          + " + (SELECT count(*) FROM offers WHERE expert_id = ?::uuid AND state = 'pending' AND expires_at < now() - interval '5 minutes')"
          + " + (SELECT count(*) FROM requests r WHERE r.client_id = ?::uuid AND r.status IN ('queued', 'offered')"
          + "     AND NOT EXISTS (SELECT 1 FROM connections c WHERE c.user_id = r.client_id)"
          + "     AND greatest(r.client_seen_at, r.client_away_since) < now() - interval '5 minutes')",
          client.userId(), client.userId(), expert.userId(), client.userId()) == 0);
      return true;
    }

    /** The join window is made due, and both nodes' outcome services race their sweepers to close it. */
    private boolean closeWindowRace() {
      if (sessionId == null || !"waiting".equals(Sql.string("SELECT status FROM sessions WHERE id = ?::uuid", sessionId))) {
        return false;
      }
      Sql.update("UPDATE sessions SET join_deadline = now() - interval '1 second' WHERE id = ?::uuid", sessionId);
      SessionId id = new SessionId(UUID.fromString(sessionId));
      List<Future<Optional<Outcomes.Settled>>> racing = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        racing.add(racers.get(i % 2).closeJoinWindow(id));
      }
      long ended = racing.stream().map(f -> RunningNode.await(f, Duration.ofSeconds(10))).filter(Optional::isPresent).count();
      assertThat(ended).as("racers that closed the window").isLessThanOrEqualTo(1);
      return true;
    }

    /** Both participants end the session at once, on the two nodes. */
    private boolean bothEnd() {
      if (sessionId == null || !clientThere || !expertThere()) {
        return false;
      }
      JsonObject end = new JsonObject().put("sessionId", sessionId);
      CompletableFuture<JsonObject> byClient = CompletableFuture.supplyAsync(() -> clientSocket.call("session.end", end.copy()));
      CompletableFuture<JsonObject> byExpert = CompletableFuture.supplyAsync(() -> expertSockets.get(1).call("session.end", end.copy()));
      byClient.join();
      byExpert.join();
      return true;
    }

    /** Two operators refund the session at once on the two nodes, each asking for more than half of what was paid. */
    private boolean refundRace() {
      if (sessionId == null) {
        return false;
      }
      long paid = Sql.count("SELECT coalesce(-sum(amount), 0) FROM ledger_entries WHERE session_id = ?::uuid AND account = 'wallet'"
          + " AND user_id = ?::uuid", sessionId, client.userId());
      long each = Math.max(1, paid * 2 / 3);
      List<CompletableFuture<TestClient.Response>> refunds = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        RunningNode node = i == 0 ? a : b;
        String token = adminTokens.get(i);
        String key = UUID.randomUUID().toString();
        refunds.add(CompletableFuture.supplyAsync(() -> node.http().post("/api/v1/admin/sessions/" + sessionId + "/refund",
            new JsonObject().put("amount", each).put("reason", "property"), token, Map.of("Idempotency-Key", key))));
      }
      refunds.forEach(r -> assertThat(r.join().status()).as("a refund's answer").isIn(200, 409));
      return true;
    }

    private boolean waive() {
      String penalty = Sql.string("SELECT id::text FROM penalties WHERE user_id IN (?::uuid, ?::uuid) AND NOT waived ORDER BY created_at LIMIT 1",
          client.userId(), expert.userId());
      if (penalty == null) {
        return false;
      }
      assertThat(a.http().post("/api/v1/admin/penalties/" + penalty + "/waive", new JsonObject().put("reason", "property"), adminTokens.get(0))
          .status()).isEqualTo(200);
      return true;
    }

    private boolean topUp() {
      topUps++;
      return b.http().post("/api/v1/wallet/top-ups", new JsonObject().put("amount", 100 * topUps), client.accessToken(),
          Map.of("Idempotency-Key", "t-" + topUps)).status() == 201;
    }

    void checkInvariants(Step after) {
      String as = "after " + after;
      LedgerInvariants.check(as);
      // Each session of this client: its escrow, its fee, what was paid and refunded.
      for (String[] s : Sql.rowsAt(io.tandem.testing.TestDatabase.url(), "SELECT id::text, status, price FROM sessions WHERE client_id = ?::uuid",
          UUID.fromString(client.userId()))) {
        String session = s[0];
        String status = s[1];
        long price = Long.parseLong(s[2]);
        boolean open = status.equals("waiting") || status.equals("active");
        assertThat(Sql.count("SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE session_id = ?::uuid AND account = 'escrow'", session))
            .as(as + ": the escrow of a %s session", status).isEqualTo(open ? price : 0);
        long fees = Sql.count("SELECT count(DISTINCT transfer_id) FROM ledger_entries WHERE session_id = ?::uuid AND kind = 'no_show_fee'", session);
        long netFee = Sql.count("SELECT coalesce(-sum(amount), 0) FROM ledger_entries WHERE session_id = ?::uuid AND account = 'wallet'"
            + " AND user_id = ?::uuid AND (kind = 'no_show_fee' OR entry_key LIKE 'no-show-fee-refund:%')", session, client.userId());
        if (status.equals("client_no_show")) {
          boolean waived = Sql.count("SELECT count(*) FROM penalties WHERE session_id = ?::uuid AND user_id = ?::uuid AND waived", session,
              client.userId()) > 0;
          assertThat(fees).as(as + ": no-show fees of a client no-show").isEqualTo(waived ? fees : 1);
          // Waived, the client has paid nothing for it in all: an operator's refund may have given part of the fee back before the waiver did the rest.
          long paidInAll = Sql.count("SELECT coalesce(-sum(amount), 0) FROM ledger_entries WHERE session_id = ?::uuid AND account = 'wallet'"
              + " AND user_id = ?::uuid", session, client.userId());
          assertThat(waived ? paidInAll : netFee).as(as + ": the fee kept, its penalty %s", waived ? "waived" : "standing").isEqualTo(waived ? 0 : price / 2);
        } else {
          assertThat(fees).as(as + ": no-show fees of a %s session", status).isZero();
        }
        long paid = Sql.count("SELECT coalesce(-sum(amount), 0) FROM ledger_entries WHERE session_id = ?::uuid AND account = 'wallet'"
            + " AND user_id = ?::uuid", session, client.userId());
        assertThat(paid).as(as + ": what the client paid for a %s session, refunds taken off", status).isBetween(0L, price);
      }
      // Each booking not opened: its price held while confirmed; once cancelled, the escrow empty and the client charged its fee alone.
      for (String[] bk : Sql.rowsAt(io.tandem.testing.TestDatabase.url(), "SELECT id::text, status, price, coalesce(cancel_fee, 0),"
          + " cancelled_by = client_id FROM bookings WHERE client_id = ?::uuid AND status <> 'opened'", UUID.fromString(client.userId()))) {
        long escrow = Sql.count("SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE session_id = ?::uuid AND account = 'escrow'", bk[0]);
        long paid = Sql.count("SELECT coalesce(-sum(amount), 0) FROM ledger_entries WHERE session_id = ?::uuid AND account = 'wallet'"
            + " AND user_id = ?::uuid", bk[0], client.userId());
        boolean confirmed = bk[1].equals("confirmed");
        assertThat(escrow).as(as + ": the escrow of a %s booking", bk[1]).isEqualTo(confirmed ? Long.parseLong(bk[2]) : 0);
        assertThat(paid).as(as + ": what the client paid for a %s booking", bk[1]).isEqualTo(confirmed ? Long.parseLong(bk[2]) : Long.parseLong(bk[3]));
        if (!confirmed && "f".equals(bk[4])) {
          assertThat(Long.parseLong(bk[3])).as(as + ": a fee for the expert's own cancellation").isZero();
        }
      }
      assertThat(Sql.count("SELECT count(*) FROM (SELECT request_id FROM sessions WHERE client_id = ?::uuid AND request_id IS NOT NULL"
          + " AND status NOT IN ('expert_no_show', 'expert_left') GROUP BY request_id HAVING count(*) > 1) t", client.userId()))
          .as(as + ": a request matched twice").isZero();
      assertThat(Sql.count("SELECT count(*) FROM expert_presence p WHERE p.expert_id = ?::uuid AND expert_load(p.expert_id) > p.capacity",
          expert.userId())).as(as + ": the expert above capacity").isZero();
    }

    @Override
    public void close() {
      Sql.rowsAt(io.tandem.testing.TestDatabase.url(), "SELECT status FROM sessions WHERE client_id = ?::uuid", UUID.fromString(client.userId()))
          .forEach(row -> Statistics.label("how sessions ended").collect(row[0]));
      clientSocket.close();
      expertSockets.forEach(TestSocket::close);
      // Whatever is left waiting must not be offered to another life's expert.
      Sql.update("UPDATE requests SET status = 'cancelled' WHERE client_id = ?::uuid AND status IN ('queued', 'offered')", client.userId());
    }
  }
}
