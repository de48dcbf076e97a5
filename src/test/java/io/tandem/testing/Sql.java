package io.tandem.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Plain JDBC against the test database, for asserting invariants where they are enforced. */
public final class Sql {
  private Sql() {}

  public static long count(String query, Object... args) {
    String value = string(query, args);
    return value == null ? 0 : Long.parseLong(value);
  }

  /** Runs an update and answers how many rows it changed. */
  public static int update(String statement, Object... args) {
    String jdbc = TestDatabase.url().replace("postgresql://postgres@", "jdbc:postgresql://");
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
         PreparedStatement s = c.prepareStatement(statement)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new AssertionError("update failed: " + statement + ": " + e.getMessage(), e);
    }
  }

  /** Cancels whatever still waits on these topics, so that later tests' nodes do not resume it. */
  public static void cancelWaiting(String... topics) {
    update("UPDATE requests SET status = 'cancelled' WHERE topic = ANY(?) AND status IN ('queued', 'offered')", (Object) topics);
  }

  /** Every row, each column as a string, of a query on the database at {@code databaseUrl} (a test's own). */
  public static java.util.List<String[]> rowsAt(String databaseUrl, String query, Object... args) {
    String jdbc = databaseUrl.replace("postgresql://postgres@", "jdbc:postgresql://");
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
         PreparedStatement s = c.prepareStatement(query)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      java.util.List<String[]> result = new java.util.ArrayList<>();
      try (ResultSet rows = s.executeQuery()) {
        int columns = rows.getMetaData().getColumnCount();
        while (rows.next()) {
          String[] row = new String[columns];
          for (int i = 0; i < columns; i++) {
            row[i] = rows.getString(i + 1);
          }
          result.add(row);
        }
      }
      return result;
    } catch (SQLException e) {
      throw new AssertionError("query failed: " + query + ": " + e.getMessage(), e);
    }
  }

  /** The first column of the first row, or null when there is no row. */
  public static String string(String query, Object... args) {
    String jdbc = TestDatabase.url().replace("postgresql://postgres@", "jdbc:postgresql://");
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
         PreparedStatement s = c.prepareStatement(query)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      try (ResultSet rows = s.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new AssertionError("query failed: " + query + ": " + e.getMessage(), e);
    }
  }
}
