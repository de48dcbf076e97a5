package io.tandem.matching;

import io.tandem.TandemConfig;
import io.tandem.config.ConfigLoader;
import io.tandem.kernel.ExpertSnapshot;
import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.Topic;
import io.tandem.kernel.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The matching core's decision time: one shard's {@link Matchmaker} holding {@code experts}
 * online experts over 50 topics around Shanghai, deciding where a newly arrived request goes
 * (candidates, scoring and the assignment of a batch). See docs/benchmarks.md for the command.
 */
@State(Scope.Thread)
@BenchmarkMode({org.openjdk.jmh.annotations.Mode.Throughput, org.openjdk.jmh.annotations.Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MatchmakerBenchmark {
  private static final int TOPICS = 50;
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  @Param({"10000"})
  public int experts;

  /** Requests decided together in one batch window. */
  @Param({"1", "20"})
  public int batch;

  private Matchmaker matchmaker;
  private Random random;
  private WaitingRequest[] requests;

  @Setup(Level.Trial)
  public void fill() {
    TandemConfig config = TandemConfig.load(ConfigLoader.readDefaults(), Map.of(), new Properties());
    matchmaker = new Matchmaker(config.matching());
    random = new Random(42);
    Mode[] modes = Mode.values();
    for (int i = 0; i < experts; i++) {
      Set<Mode> offered = EnumSet.of(modes[random.nextInt(modes.length)], modes[random.nextInt(modes.length)]);
      matchmaker.putExpert(new ExpertSnapshot(new UserId(UUID.randomUUID()), Set.of(topic(random.nextInt(TOPICS))), offered,
          near(), 1 + random.nextInt(3), true, 0, NOW.minusSeconds(random.nextInt(3600)), 3 + random.nextDouble() * 2, random.nextDouble()));
    }
    requests = new WaitingRequest[batch];
  }

  @Benchmark
  public List<Matchmaker.Proposal> decide() {
    for (int i = 0; i < batch; i++) {
      Mode mode = Mode.values()[random.nextInt(3)];
      Instant queuedAt = NOW.minusSeconds(random.nextInt(120));
      requests[i] = new WaitingRequest(new RequestId(UUID.randomUUID()), new UserId(UUID.randomUUID()), topic(random.nextInt(TOPICS)),
          mode, near(), mode == Mode.IN_PERSON ? 10.0 : null, queuedAt, queuedAt.plus(Duration.ofMinutes(5)));
      matchmaker.enqueue(requests[i]);
    }
    List<Matchmaker.Proposal> proposals = matchmaker.assign(NOW);
    for (WaitingRequest request : requests) {
      matchmaker.remove(request.id());
    }
    return proposals;
  }

  private static Topic topic(int i) {
    return new Topic("topic" + i + ".sub");
  }

  private Optional<GeoPoint> near() {
    return Optional.of(new GeoPoint(31.23 + (random.nextDouble() - 0.5) * 0.6, 121.47 + (random.nextDouble() - 0.5) * 0.6));
  }
}
