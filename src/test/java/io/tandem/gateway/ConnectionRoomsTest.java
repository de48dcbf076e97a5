package io.tandem.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.auth.Role;
import io.tandem.kernel.UserId;
import io.tandem.session.RoomMembership;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What one connection keeps of the rooms it joined, with hand-cranked timers. */
class ConnectionRoomsTest {
  private static final String SESSION = UUID.randomUUID().toString();
  private record Timer(long delayMs, Runnable action) {}

  private final List<JsonObject> written = new ArrayList<>();
  private final List<Timer> timers = new ArrayList<>();
  private final ConnectionContext context = new ConnectionContext(new AuthenticatedUser(new UserId(UUID.randomUUID()), Role.EXPERT),
      UUID.randomUUID(), new RoomMembership());
  private final ConnectionRooms rooms = new ConnectionRooms(context, (reader, session, after, limit) -> Future.succeededFuture(List.of()),
      written::add, Runnable::run, (delay, action) -> timers.add(new Timer(delay, action)), false);

  private void join() {
    JsonObject frame = new JsonObject().put("type", "room.join").put("sessionId", SESSION);
    ConnectionRooms.RoomFrame joining = rooms.begin("room.join", frame);
    rooms.answered(joining, new JsonObject().put("lastSeq", 0).put("messages", new JsonArray()));
    rooms.settled(joining);
  }

  private static JsonObject message(int seq) {
    return new JsonObject().put("type", "room.message").put("sessionId", SESSION).put("seq", seq).put("from", "u1").put("clientMsgId", "m" + seq);
  }

  private List<Integer> seqsWritten() {
    return written.stream().filter(m -> "room.message".equals(m.getString("type"))).map(m -> m.getInteger("seq")).toList();
  }

  @Test
  @DisplayName("an ended session's room is forgotten once its last messages have had time to come, not kept for the connection's life")
  void endedRoomForgotten() {
    join();
    rooms.deliver(message(1));
    rooms.deliver(new JsonObject().put("type", "session.ended").put("sessionId", SESSION).put("status", "completed"));
    assertThat(written).extracting(m -> m.getString("type")).containsExactly("room.message", "session.ended");
    assertThat(rooms.held()).isEqualTo(1);

    // A message stored before the end but published after it still comes through.
    rooms.deliver(message(2));
    assertThat(seqsWritten()).containsExactly(1, 2);

    Timer forget = timers.stream().filter(t -> t.delayMs() == ConnectionRooms.ENDED_ROOM_KEPT_MS).findFirst().orElseThrow();
    forget.action().run();
    assertThat(rooms.held()).isZero();
    rooms.deliver(message(3));
    assertThat(seqsWritten()).containsExactly(1, 2);
  }

  @Test
  @DisplayName("rooms of sessions still open are kept, whatever other sessions end")
  void openRoomKept() {
    join();
    rooms.deliver(new JsonObject().put("type", "session.ended").put("sessionId", UUID.randomUUID().toString()).put("status", "completed"));
    timers.forEach(t -> t.action().run());
    assertThat(rooms.held()).isEqualTo(1);
    rooms.deliver(message(1));
    assertThat(seqsWritten()).containsExactly(1);
  }
}
