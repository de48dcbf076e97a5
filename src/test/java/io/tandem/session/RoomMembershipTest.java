package io.tandem.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.kernel.SessionId;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RoomMembershipTest {
  @Test
  @DisplayName("a closing connection has drops to record only for the sessions it joined that have not ended")
  void endedSessionsHaveNoDropToRecord() {
    RoomMembership membership = new RoomMembership();
    SessionId ended = new SessionId(UUID.randomUUID());
    SessionId open = new SessionId(UUID.randomUUID());
    membership.joined(ended);
    membership.joined(open);
    membership.ended(ended);
    assertThat(membership.close()).containsExactly(open);
  }
}
