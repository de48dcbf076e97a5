package io.tandem.matching;

import java.util.Arrays;

/**
 * Maximum-total-score assignment of rows (requests) to columns (experts), each used at most once,
 * where some pairs are not allowed and a row may stay unassigned. The Hungarian algorithm with
 * potentials, O(rows² × (columns + rows)); a batch holds at most a few hundred rows.
 */
public final class Assignment {
  /** Marks a pair that must not be assigned. */
  public static final double FORBIDDEN = Double.NEGATIVE_INFINITY;
  private static final double BLOCKED_COST = 1e12;

  private Assignment() {}

  /**
   * @param score {@code score[row][column]}, non-negative, or {@link #FORBIDDEN}
   * @return for each row the chosen column, or -1 when the row is left unassigned
   */
  public static int[] maximize(double[][] score) {
    int rows = score.length;
    if (rows == 0) {
      return new int[0];
    }
    int columns = score[0].length;
    // One "stay unassigned" column per row, at cost 0, makes the problem always solvable.
    int m = columns + rows;
    double[][] cost = new double[rows + 1][m + 1];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < columns; j++) {
        double s = score[i][j];
        cost[i + 1][j + 1] = s == FORBIDDEN || Double.isNaN(s) ? BLOCKED_COST : -s;
      }
    }
    int[] columnOwner = solve(cost, rows, m);
    int[] assigned = new int[rows];
    Arrays.fill(assigned, -1);
    for (int j = 1; j <= columns; j++) {
      int row = columnOwner[j];
      if (row > 0 && cost[row][j] < BLOCKED_COST / 2) {
        assigned[row - 1] = j - 1;
      }
    }
    return assigned;
  }

  /** Minimum-cost assignment of n rows to m >= n columns (1-based); returns the row of each column (0: none). */
  private static int[] solve(double[][] a, int n, int m) {
    double[] u = new double[n + 1];
    double[] v = new double[m + 1];
    int[] p = new int[m + 1];
    int[] way = new int[m + 1];
    double[] minv = new double[m + 1];
    boolean[] used = new boolean[m + 1];
    for (int i = 1; i <= n; i++) {
      p[0] = i;
      int j0 = 0;
      Arrays.fill(minv, Double.POSITIVE_INFINITY);
      Arrays.fill(used, false);
      do {
        used[j0] = true;
        int i0 = p[j0];
        double delta = Double.POSITIVE_INFINITY;
        int j1 = 0;
        for (int j = 1; j <= m; j++) {
          if (!used[j]) {
            double cur = a[i0][j] - u[i0] - v[j];
            if (cur < minv[j]) {
              minv[j] = cur;
              way[j] = j0;
            }
            if (minv[j] < delta) {
              delta = minv[j];
              j1 = j;
            }
          }
        }
        for (int j = 0; j <= m; j++) {
          if (used[j]) {
            u[p[j]] += delta;
            v[j] -= delta;
          } else {
            minv[j] -= delta;
          }
        }
        j0 = j1;
      } while (p[j0] != 0);
      do {
        int j1 = way[j0];
        p[j0] = p[j1];
        j0 = j1;
      } while (j0 != 0);
    }
    return p;
  }
}
