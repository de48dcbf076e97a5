package io.tandem.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The methods a path takes, for the {@code Allow} header of a 405 (RFC 9110, 15.5.6): read from the
 * router's own routes, so the header cannot drift from what is served.
 */
final class AllowedMethods {
  private AllowedMethods() {}

  /** The methods of every route whose path matches {@code path}, sorted; empty when none names a method. */
  static List<String> of(Router router, String path) {
    Set<String> methods = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      Set<HttpMethod> taken = route.methods();
      String pattern = route.getPath();
      if (taken != null && !taken.isEmpty() && pattern != null && matches(pattern, path)) {
        taken.forEach(method -> methods.add(method.name()));
      }
    }
    return List.copyOf(methods);
  }

  /**
   * Whether a route path ({@code /api/v1/requests/:id}, or a prefix ending in {@code *}) matches a
   * request's path, segment by segment; a trailing slash does not count.
   */
  static boolean matches(String routePath, String path) {
    if (routePath.endsWith("*")) {
      return path.startsWith(routePath.substring(0, routePath.length() - 1));
    }
    String[] wanted = trim(routePath).split("/", -1);
    String[] given = trim(path).split("/", -1);
    if (wanted.length != given.length) {
      return false;
    }
    for (int i = 0; i < wanted.length; i++) {
      boolean parameter = wanted[i].startsWith(":") && !given[i].isEmpty();
      if (!parameter && !wanted[i].equals(given[i])) {
        return false;
      }
    }
    return true;
  }

  private static String trim(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
