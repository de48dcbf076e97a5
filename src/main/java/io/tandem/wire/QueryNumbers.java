package io.tandem.wire;

/** Whole numbers given as query parameters, checked in one way for every call that takes one. */
public final class QueryNumbers {
  private QueryNumbers() {}

  /**
   * {@code text} as a whole number from {@code min} to {@code max}; null when absent. Anything else is
   * a {@code bad_request} naming the parameter and its range.
   */
  public static Long parse(String name, String text, long min, long max) {
    if (text == null) {
      return null;
    }
    try {
      long n = Long.parseLong(text);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiError.badRequest(name + " must be a whole number from " + min + " to " + max + ", got " + text);
  }
}
