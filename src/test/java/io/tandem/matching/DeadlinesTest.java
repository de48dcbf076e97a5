package io.tandem.matching;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.kernel.RequestId;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A shard's per-request deadlines, on timers fired by hand and a fixed clock. */
class DeadlinesTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  /** Timers by id, fired by hand. */
  private final Map<Long, Runnable> pending = new TreeMap<>();
  private final List<Long> delays = new ArrayList<>();
  private long nextId;
  private final Deadlines deadlines = new Deadlines(new Deadlines.Timers() {
    @Override
    public long set(long delayMs, Runnable action) {
      delays.add(delayMs);
      pending.put(++nextId, action);
      return nextId;
    }

    @Override
    public void cancel(long id) {
      pending.remove(id);
    }
  }, Clock.fixed(NOW, ZoneOffset.UTC));
  private final List<String> fired = new ArrayList<>();

  private void fireAll() {
    List<Runnable> due = new ArrayList<>(pending.values());
    pending.clear();
    due.forEach(Runnable::run);
  }

  @Test
  @DisplayName("a deadline fires once, a little after its instant; a past one fires at once")
  void fires() {
    RequestId request = new RequestId(UUID.randomUUID());
    deadlines.expiry(request, NOW.plusSeconds(10), () -> fired.add("expiry"));
    deadlines.offer(request, NOW.minusSeconds(1), () -> fired.add("offer"));
    assertThat(delays).containsExactly(10_000 + Deadlines.SLACK_MS, 1L);
    fireAll();
    assertThat(fired).containsExactlyInAnyOrder("expiry", "offer");
  }

  @Test
  @DisplayName("a cancelled or replaced deadline never fires, even if its timer does")
  void cancelledAndReplaced() {
    RequestId request = new RequestId(UUID.randomUUID());
    RequestId other = new RequestId(UUID.randomUUID());
    deadlines.offer(request, NOW.plusSeconds(20), () -> fired.add("first offer"));
    Runnable firstTimer = pending.values().iterator().next();
    deadlines.offer(request, NOW.plusSeconds(20), () -> fired.add("second offer"));
    deadlines.expiry(request, NOW.plusSeconds(60), () -> fired.add("expiry"));
    deadlines.expiry(other, NOW.plusSeconds(60), () -> fired.add("other expiry"));
    deadlines.cancelOffer(request);
    firstTimer.run(); // a timer that fires although it was cancelled: Vert.x may have queued it already
    deadlines.cancelAll(request);
    fireAll();
    assertThat(fired).containsExactly("other expiry");
  }

  @Test
  @DisplayName("a stopped shard's deadlines never fire")
  void stopped() {
    deadlines.expiry(new RequestId(UUID.randomUUID()), NOW.plusSeconds(1), () -> fired.add("expiry"));
    deadlines.stop();
    assertThat(pending).isEmpty();
  }
}
