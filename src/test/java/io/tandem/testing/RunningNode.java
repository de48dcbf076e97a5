package io.tandem.testing;

import io.tandem.TandemConfig;
import io.tandem.TandemNode;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A {@link TandemNode} on the shared test database, with a blocking HTTP client pointed at it. */
public final class RunningNode implements AutoCloseable {
  private final TandemNode node;
  private final TestClient client;

  private RunningNode(TandemNode node) {
    this.node = node;
    this.client = new TestClient("http://127.0.0.1:" + node.httpPort());
  }

  public static RunningNode start(TandemConfig config) {
    return start(config, TestDatabase.url());
  }

  /** A node on a database of the test's own, for tests that kill or freeze it. */
  public static RunningNode start(TandemConfig config, String databaseUrl) {
    return new RunningNode(await(TandemNode.start(config, databaseUrl), Duration.ofSeconds(60)));
  }

  public TandemNode node() {
    return node;
  }

  public TestClient http() {
    return client;
  }

  @Override
  public void close() {
    await(node.close(), Duration.ofSeconds(30));
  }

  public static <T> T await(Future<T> future, Duration timeout) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("did not complete within " + timeout + ": " + e, e);
    }
  }
}
