package io.tandem.matching;

import io.tandem.wire.JsonInput;
import io.vertx.core.json.JsonObject;

/** A WGS84 position in degrees. */
public record GeoPoint(double lat, double lng) {
  public GeoPoint {
    if (!(lat >= -90 && lat <= 90) || !(lng >= -180 && lng <= 180)) {
      throw new IllegalArgumentException("not a WGS84 position: " + lat + ", " + lng);
    }
  }

  /** Reads {@code {"lat": .., "lng": ..}}; out-of-range values are a bad request naming the field. */
  public static GeoPoint from(JsonInput location) {
    return new GeoPoint(location.requiredDouble("lat", -90, 90), location.requiredDouble("lng", -180, 180));
  }

  public JsonObject toJson() {
    return new JsonObject().put("lat", lat).put("lng", lng);
  }
}
