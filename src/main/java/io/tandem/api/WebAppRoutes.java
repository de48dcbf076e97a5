package io.tandem.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The web app (client, expert, operator) and its SDK, served from {@code webroot/} on the classpath
 * ({@code src/main/resources/webroot}): plain ES modules, no build step.
 *
 * <p>Caching: files are not fingerprinted, so every response says {@code no-cache}: the browser
 * keeps its copy but asks again each time, and an unchanged file costs a 304 (ETag and
 * Last-Modified), while a new release is seen at the next load.
 *
 * <p>Content-Security-Policy: scripts, styles, images and connections from this origin only (the
 * WebSocket on {@code /ws} included), media from the camera ({@code mediastream:}, {@code blob:});
 * no inline script or style, no plugins, never framed.
 */
final class WebAppRoutes {
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:;"
      + " media-src 'self' blob: mediastream:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none';"
      + " form-action 'self'; frame-ancestors 'none'";

  private final Optional<Path> webrootDir;

  /** {@code webrootDir}: {@code http.webrootDir}, a folder served live instead of the classpath copy. */
  WebAppRoutes(Optional<Path> webrootDir) {
    this.webrootDir = webrootDir;
  }

  void mount(Router router) {
    StaticHandler files = webrootDir
        .map(dir -> StaticHandler.create(FileSystemAccess.ROOT, dir.toString()).setFilesReadOnly(false))
        .orElseGet(() -> StaticHandler.create("webroot"))
        // A live folder changes under us: no remembered file properties there, so no stale 304s.
        .setCachingEnabled(webrootDir.isEmpty())
        .setMaxAgeSeconds(0)
        .setIndexPage("index.html")
        .setDirectoryListing(false)
        .setIncludeHidden(false);
    // The operator console is its own page; the client and expert app is one page with views.
    router.get("/admin").handler(ctx -> ctx.reroute("/admin.html"));
    router.routeWithRegex("^/(?!api/|ws$|health$|ready$|metrics$).*").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(this::secure).handler(files);
  }

  private void secure(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
    // StaticHandler writes its own "public, immutable" caching header; this one is the last word.
    ctx.addHeadersEndHandler(v -> ctx.response().headers().set("Cache-Control", "no-cache"));
    ctx.next();
  }
}
