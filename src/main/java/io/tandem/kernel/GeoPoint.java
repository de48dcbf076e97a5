package io.tandem.kernel;

import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * A WGS84 position in degrees. Where a position is optional (online consultations need none) it is
 * an {@code Optional<GeoPoint>}; a distance with an unknown end is infinite: it ranks as the farthest.
 */
public record GeoPoint(double lat, double lng) {
  private static final double EARTH_RADIUS_KM = 6371.0088;

  public GeoPoint {
    if (!(lat >= -90 && lat <= 90) || !(lng >= -180 && lng <= 180)) {
      throw new IllegalArgumentException("not a WGS84 position: " + lat + ", " + lng);
    }
  }

  /** Great-circle (haversine) distance. */
  public double distanceKm(GeoPoint other) {
    double dLat = Math.toRadians(other.lat - lat);
    double dLng = Math.toRadians(other.lng - lng);
    double a = Math.sin(dLat / 2) * Math.sin(dLat / 2)
        + Math.cos(Math.toRadians(lat)) * Math.cos(Math.toRadians(other.lat)) * Math.sin(dLng / 2) * Math.sin(dLng / 2);
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  /** The position stored in a pair of nullable columns: empty when they are null. */
  public static Optional<GeoPoint> of(Double lat, Double lng) {
    return lat == null || lng == null ? Optional.empty() : Optional.of(new GeoPoint(lat, lng));
  }

  /** The distance between two positions that may be unknown: infinite when either is. */
  public static double distanceKm(Optional<GeoPoint> a, Optional<GeoPoint> b) {
    return a.isPresent() && b.isPresent() ? a.get().distanceKm(b.get()) : Double.POSITIVE_INFINITY;
  }

  public JsonObject toJson() {
    return new JsonObject().put("lat", lat).put("lng", lng);
  }
}
