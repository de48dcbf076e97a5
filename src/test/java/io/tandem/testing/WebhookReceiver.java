package io.tandem.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A webhook receiver on 127.0.0.1, port 0: records every delivery (headers and body) and answers
 * as the test says: a status, or {@link #HOLD}, never answering (a receiver that hangs, or the
 * moment to kill the sender mid-delivery).
 */
public final class WebhookReceiver implements AutoCloseable {
  public static final int HOLD = -1;

  public record Delivery(String id, long timestamp, String signature, String body, Instant receivedAt) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public String type() {
      return json().getString("type");
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final CountDownLatch released = new CountDownLatch(1);
  private final List<Delivery> received = new ArrayList<>();
  private volatile Function<Delivery, Integer> answer = d -> 200;

  private WebhookReceiver(HttpServer server) {
    this.server = server;
  }

  public static WebhookReceiver start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      WebhookReceiver receiver = new WebhookReceiver(server);
      server.createContext("/hook", receiver::handle);
      server.setExecutor(receiver.threads);
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a webhook receiver", e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** How to answer each delivery from now on: an HTTP status, or {@link #HOLD}. */
  public void answer(Function<Delivery, Integer> policy) {
    this.answer = policy;
  }

  public synchronized List<Delivery> received() {
    return List.copyOf(received);
  }

  /** Deliveries whose body mentions {@code id} (a request's or session's), in the order they arrived. */
  public List<Delivery> about(String... ids) {
    return received().stream().filter(d -> java.util.Arrays.stream(ids).anyMatch(d.body()::contains)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
    Delivery delivery = new Delivery(exchange.getRequestHeaders().getFirst("webhook-id"),
        timestamp == null ? -1 : Long.parseLong(timestamp), exchange.getRequestHeaders().getFirst("webhook-signature"), body, Instant.now());
    synchronized (this) {
      received.add(delivery);
    }
    int status = answer.apply(delivery);
    if (status == HOLD) {
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    byte[] reply = ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, reply.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(reply);
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
