package io.tandem.matching;

import io.tandem.wire.JsonInput;
import io.vertx.core.json.JsonObject;

/** A WGS84 position in degrees. */
public record GeoPoint(double lat, double lng) {
  private static final double EARTH_RADIUS_KM = 6371.0088;

  public GeoPoint {
    if (!(lat >= -90 && lat <= 90) || !(lng >= -180 && lng <= 180)) {
      throw new IllegalArgumentException("not a WGS84 position: " + lat + ", " + lng);
    }
  }

  /** Reads {@code {"lat": .., "lng": ..}}; out-of-range values are a bad request naming the field. */
  public static GeoPoint from(JsonInput location) {
    return new GeoPoint(location.requiredDouble("lat", -90, 90), location.requiredDouble("lng", -180, 180));
  }

  /** Great-circle (haversine) distance. */
  public double distanceKm(GeoPoint other) {
    double dLat = Math.toRadians(other.lat - lat);
    double dLng = Math.toRadians(other.lng - lng);
    double a = Math.sin(dLat / 2) * Math.sin(dLat / 2)
        + Math.cos(Math.toRadians(lat)) * Math.cos(Math.toRadians(other.lat)) * Math.sin(dLng / 2) * Math.sin(dLng / 2);
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  public JsonObject toJson() {
    return new JsonObject().put("lat", lat).put("lng", lng);
  }
}
