package io.tandem.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.db.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.SessionStatus;
import io.tandem.kernel.UserId;
import io.tandem.testing.Actors;
import io.tandem.testing.Actors.Pair;
import io.tandem.testing.Poll;
import io.tandem.testing.RunningNode;
import io.tandem.testing.Sql;
import io.tandem.testing.TestConfig;
import io.tandem.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chat batch statement's guarantees under load, against the real database: two stores (two
 * nodes' worth of lanes, each with its own pool) write the same sessions at once, the same
 * clientMsgIds arrive through both and twice within a batch, and yet every session's seqs count
 * 1, 2, 3 with no gap, each message is stored once, and every sender is told the seq stored.
 */
@ExtendWith(VertxExtension.class) // the stores' own Vert.x, closed with the class (the node under test has its own)
class MessageStoreTest {
  private static final int SESSIONS = 12;
  private static final int MESSAGES_PER_SENDER = 150;
  private static RunningNode node;
  private static Vertx vertx;
  private static final List<Pool> pools = new ArrayList<>();

  @BeforeAll
  static void start(Vertx storesVertx) {
    node = RunningNode.start(TestConfig.defaults());
    vertx = storesVertx;
  }

  @AfterAll
  static void stop() {
    pools.forEach(Pool::close);
    node.close();
  }

  private static MessageStore store(int lanes) {
    return store(lanes, new SimpleMeterRegistry());
  }

  private static MessageStore store(int lanes, SimpleMeterRegistry meters) {
    Pool pool = Database.at(TestDatabase.url(), Duration.ofSeconds(10)).pool(vertx, "test-chat-" + pools.size(), lanes);
    pools.add(pool);
    return new MessageStore(vertx, pool, 500, lanes, meters);
  }

  private record Sent(SessionId session, UserId sender, String clientMsgId, Future<Optional<MessageStore.Stored>> answer) {}

  @Test
  @DisplayName("two stores racing on the same sessions: gapless seqs, every clientMsgId stored once, every sender told its seq")
  void concurrentBatchesAcrossStores() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    MessageStore nodeA = store(4, meters);
    MessageStore nodeB = store(3, meters);
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      pairs.add(Actors.matched(node));
    }
    try {
      List<Sent> sent = new ArrayList<>();
      for (int m = 0; m < MESSAGES_PER_SENDER; m++) {
        for (Pair pair : pairs) {
          SessionId session = SessionId.parse(pair.sessionId()).orElseThrow();
          for (String senderId : List.of(pair.client().id(), pair.expert().id())) {
            UserId sender = new UserId(UUID.fromString(senderId));
            String clientMsgId = "m" + m;
            // Every message goes through A; every third also through B at the same moment (a retry
            // on another node), and every fifth twice through A (a retry within one batch).
            sent.add(new Sent(session, sender, clientMsgId, nodeA.append(session, sender, clientMsgId, "hello " + m)));
            if (m % 3 == 0) {
              sent.add(new Sent(session, sender, clientMsgId, nodeB.append(session, sender, clientMsgId, "hello " + m)));
            }
            if (m % 5 == 0) {
              sent.add(new Sent(session, sender, clientMsgId, nodeA.append(session, sender, clientMsgId, "hello " + m)));
            }
          }
        }
      }
      RunningNode.await(Future.all(sent.stream().map(Sent::answer).toList()), Duration.ofSeconds(60));

      Map<String, Integer> seqOf = new HashMap<>();
      for (Sent s : sent) {
        MessageStore.Stored stored = s.answer().result().orElseThrow(() -> new AssertionError("a participant's message was refused"));
        String key = s.session().value() + "/" + s.sender().value() + "/" + s.clientMsgId();
        Integer before = seqOf.putIfAbsent(key, stored.message().seq());
        if (before != null) {
          assertThat(stored.message().seq()).as("every copy of %s is told the same seq", key).isEqualTo(before);
        }
      }
      int perSession = 2 * MESSAGES_PER_SENDER;
      for (Pair pair : pairs) {
        assertThat(Sql.count("SELECT count(*) FROM messages WHERE session_id = ?::uuid", pair.sessionId()))
            .as("each message stored once").isEqualTo(perSession);
        assertThat(Sql.count("SELECT count(DISTINCT seq) FROM messages WHERE session_id = ?::uuid AND seq BETWEEN 1 AND ?",
            pair.sessionId(), perSession)).as("seqs 1..%d, no gap", perSession).isEqualTo(perSession);
        assertThat(Sql.count("SELECT last_seq FROM chat_seqs WHERE session_id = ?::uuid", pair.sessionId())).isEqualTo(perSession);
        for (String senderId : List.of(pair.client().id(), pair.expert().id())) {
          // Those sent through A alone keep their order (a copy through B may overtake, as a retry may).
          assertThat(Sql.count("SELECT count(*) FROM (SELECT seq, lag(seq) OVER (ORDER BY substr(client_msg_id, 2)::int) AS previous"
                  + " FROM messages WHERE session_id = ?::uuid AND sender_id = ?::uuid AND substr(client_msg_id, 2)::int % 3 <> 0) s"
                  + " WHERE previous > seq", pair.sessionId(), senderId))
              .as("one sender's messages keep the order they were sent in").isZero();
        }
      }
      assertThat(meters.counter("tandem.chat.messages.stored").count()).as("the meter counts each message once, resends not")
          .isEqualTo(SESSIONS * perSession);
      assertThat(meters.summary("tandem.chat.batch.messages").totalAmount()).as("every append went through a batch")
          .isEqualTo(sent.size());
      assertThat(meters.timer("tandem.chat.batch.commit").count()).isPositive();
    } finally {
      pairs.forEach(Pair::close);
    }
  }

  @Test
  @DisplayName("a batch mixing an open session, a closed one and a stranger stores only what it may")
  void onlyParticipantsOfOpenSessions() {
    MessageStore store = store(1);
    try (Pair open = Actors.matched(node); Pair closed = Actors.matched(node)) {
      // Closed by hand, its chat's counter left in place: the status the batch reads refuses it too
      // (endingClosesTheChat below has the ending as Tandem makes it).
      Sql.update("UPDATE sessions SET status = 'completed', ended_at = now() WHERE id = ?::uuid", closed.sessionId());
      SessionId openId = SessionId.parse(open.sessionId()).orElseThrow();
      SessionId closedId = SessionId.parse(closed.sessionId()).orElseThrow();
      UserId client = new UserId(UUID.fromString(open.client().id()));
      UserId stranger = new UserId(UUID.fromString(closed.client().id()));
      var first = store.append(openId, client, "a", "one");
      var strangers = store.append(openId, stranger, "b", "not mine");
      var late = store.append(closedId, stranger, "c", "too late");
      var second = store.append(openId, client, "d", "two");
      RunningNode.await(Future.all(first, strangers, late, second), Duration.ofSeconds(10));
      assertThat(first.result().orElseThrow().message().seq()).isEqualTo(1);
      assertThat(second.result().orElseThrow().message().seq()).isEqualTo(2);
      assertThat(strangers.result()).isEmpty();
      assertThat(late.result()).isEmpty();
      assertThat(Sql.count("SELECT count(*) FROM messages WHERE session_id = ?::uuid", closed.sessionId())).isZero();
    }
  }

  @Test
  @DisplayName("a batch racing the session's end waits for the ending's commit and then stores nothing; a chat without its counter row takes nothing")
  void endingClosesTheChat() {
    MessageStore store = store(1);
    Pool ending = Database.at(TestDatabase.url(), Duration.ofSeconds(10)).pool(vertx, "test-ending", 1);
    pools.add(ending);
    try (Pair pair = Actors.matched(node); Pair other = Actors.matched(node)) {
      SessionId id = SessionId.parse(pair.sessionId()).orElseThrow();
      UserId client = new UserId(UUID.fromString(pair.client().id()));
      assertThat(RunningNode.await(store.append(id, client, "before", "in time"), Duration.ofSeconds(10))).isPresent();

      // The ending, as Outcomes makes it, left uncommitted while a message arrives: the batch's
      // snapshot still sees the session active; only the counter row's lock can make it wait.
      SqlConnection conn = RunningNode.await(ending.getConnection(), Duration.ofSeconds(10));
      try {
        Transaction tx = RunningNode.await(conn.begin(), Duration.ofSeconds(10));
        Optional<SessionRecord> ended = RunningNode.await(SessionRepository.lockOpen(conn, id, null)
            .compose(locked -> SessionRepository.finish(conn, id, SessionStatus.COMPLETED, client)), Duration.ofSeconds(10));
        assertThat(ended).isPresent();
        UserId expert = new UserId(UUID.fromString(pair.expert().id()));
        Future<Optional<MessageStore.Stored>> racing = store.append(id, client, "racing", "during the end");
        Future<Optional<MessageStore.Stored>> racingToo = store.append(id, expert, "racing too", "during the end");
        Poll.until("the batch waits for the ending's lock", Duration.ofSeconds(10),
            () -> Sql.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%chat_seqs%'") > 0);
        assertThat(racing.isComplete()).isFalse();
        RunningNode.await(tx.commit(), Duration.ofSeconds(10));
        assertThat(RunningNode.await(racing, Duration.ofSeconds(10))).as("stored after the end").isEmpty();
        assertThat(RunningNode.await(racingToo, Duration.ofSeconds(10))).as("stored after the end").isEmpty();
      } finally {
        conn.close();
      }
      assertThat(Sql.count("SELECT count(*) FROM messages WHERE session_id = ?::uuid", pair.sessionId())).isEqualTo(1);
      assertThat(Sql.count("SELECT count(*) FROM chat_seqs WHERE session_id = ?::uuid", pair.sessionId())).isZero();

      // The counter row is the rule, not the status as a batch reads it.
      Sql.update("DELETE FROM chat_seqs WHERE session_id = ?::uuid", other.sessionId());
      UserId otherClient = new UserId(UUID.fromString(other.client().id()));
      assertThat(RunningNode.await(store.append(SessionId.parse(other.sessionId()).orElseThrow(), otherClient, "x", "no counter"),
          Duration.ofSeconds(10))).isEmpty();
    }
  }
}
