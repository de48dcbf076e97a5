package io.tandem.api;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The contract, machine-readable: the OpenAPI 3.1 document of the HTTP API and the AsyncAPI 3.0
 * document of the WebSocket protocol, from {@code src/main/resources/contract/}. Unauthenticated,
 * like the documents themselves; read once, and cacheable: they change only with a release, and
 * the ETag makes a revalidation cost a 304.
 */
final class ContractRoutes {
  static final String OPENAPI = "contract/openapi.json";
  static final String ASYNCAPI = "contract/asyncapi.json";
  private static final String CACHE_CONTROL = "public, max-age=3600";

  private final Handler<RoutingContext> openApi = document(OPENAPI);
  private final Handler<RoutingContext> asyncApi = document(ASYNCAPI);

  void mount(Router router) {
    router.get("/api/openapi.json").handler(openApi);
    router.get("/api/asyncapi.json").handler(asyncApi);
  }

  private static Handler<RoutingContext> document(String resource) {
    byte[] bytes = read(resource);
    Buffer body = Buffer.buffer(bytes);
    String etag = "\"" + sha256(bytes) + "\"";
    return ctx -> {
      ctx.response().putHeader("Cache-Control", CACHE_CONTROL).putHeader("ETag", etag);
      if (etag.equals(ctx.request().getHeader("If-None-Match"))) {
        ctx.response().setStatusCode(304).end();
      } else {
        ctx.response().putHeader("Content-Type", "application/json; charset=utf-8").end(body);
      }
    };
  }

  /** A document the build put on the classpath; missing, the server would be broken, so it does not start. */
  private static byte[] read(String resource) {
    try (InputStream in = ContractRoutes.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the classpath; the build puts it there from src/main/resources");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
