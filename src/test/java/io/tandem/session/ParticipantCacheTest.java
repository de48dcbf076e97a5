package io.tandem.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.kernel.Mode;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.SessionStatus;
import io.tandem.kernel.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ParticipantCacheTest {
  private static SessionRecord session() {
    return new SessionRecord(new SessionId(UUID.randomUUID()), UUID.randomUUID(), null, new UserId(UUID.randomUUID()),
        new UserId(UUID.randomUUID()), Mode.CHAT, SessionStatus.ACTIVE, Instant.now(), Instant.now(), null, 0, 2000L, 200L);
  }

  @Test
  @DisplayName("event loops racing on the cache never read another session's pair, and it stays near its bound")
  void racingLoops() throws InterruptedException {
    int max = 64;
    ParticipantCache cache = new ParticipantCache(max);
    List<SessionRecord> sessions = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      sessions.add(session());
    }
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Integer> sizes = new ConcurrentLinkedQueue<>();
    List<Thread> loops = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread loop = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 20_000; i++) {
          SessionRecord s = sessions.get(random.nextInt(sessions.size()));
          switch (random.nextInt(3)) {
            case 0 -> cache.remember(s);
            case 1 -> cache.forget(s.id());
            default -> {
              Optional<SessionRecord> got = cache.get(s.id());
              if (got.isPresent() && got.get() != s) {
                wrong.add(s.id() + " read as " + got.get().id());
              }
            }
          }
          if (i % 1000 == 0) {
            sizes.add(cache.size());
          }
        }
      });
      loops.add(loop);
      loop.start();
    }
    start.countDown();
    for (Thread loop : loops) {
      loop.join();
    }
    assertThat(wrong).as("reads of another session's pair").isEmpty();
    // A clear races with puts on other loops: each loop adds at most one entry past the bound, and
    // the map's count may lag by the puts in flight, one a loop.
    int bound = max + 2 * threads;
    assertThat(sizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(bound));
    assertThat(cache.size()).isLessThanOrEqualTo(bound);
  }
}
