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
