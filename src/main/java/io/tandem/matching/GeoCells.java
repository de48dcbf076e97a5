package io.tandem.matching;

import com.uber.h3core.H3Core;
import com.uber.h3core.LengthUnit;
import io.tandem.kernel.GeoPoint;
import java.io.IOException;
import java.util.List;

/**
 * H3 hexagonal cells at one resolution: an expert is filed under the cell of their location, and
 * a search takes the disk of cells that covers its radius, then filters by exact distance.
 */
final class GeoCells {
  /** Resolution 6: cells about 3.7 km across an edge, so a city-sized radius is a few hundred cells. */
  static final int RESOLUTION = 6;
  private static final H3Core H3 = load();
  private static final double EDGE_KM = H3.getHexagonEdgeLengthAvg(RESOLUTION, LengthUnit.km);

  private GeoCells() {}

  static long cellOf(GeoPoint point) {
    return H3.latLngToCell(point.lat(), point.lng(), RESOLUTION);
  }

  /**
   * Every cell within {@code radiusKm} of {@code center}'s cell. Neighbouring cell centres are
   * {@code sqrt(3) * edge} apart, so k rings reach at least that far times k; one more ring covers
   * points near the far edge of the outermost cell.
   */
  static List<Long> disk(GeoPoint center, double radiusKm) {
    int rings = (int) Math.ceil(radiusKm / (Math.sqrt(3) * EDGE_KM)) + 1;
    return H3.gridDisk(cellOf(center), rings);
  }

  private static H3Core load() {
    try {
      return H3Core.newInstance();
    } catch (IOException e) {
      throw new IllegalStateException("cannot load the H3 native library for this platform", e);
    }
  }
}
