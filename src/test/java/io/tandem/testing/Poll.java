package io.tandem.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition by polling it, with a bound: never a sleep that hopes. */
public final class Poll {
  private Poll() {}

  public static void until(String what, Duration bound, BooleanSupplier condition) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not true within " + bound + ": " + what);
      }
      try {
        Thread.sleep(25); // the polling interval, not a synchronisation
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }

  public static <T> T value(String what, Duration bound, Supplier<T> value, java.util.function.Predicate<T> good) {
    Object[] last = new Object[1];
    until(what, bound, () -> {
      T v = value.get();
      last[0] = v;
      return good.test(v);
    });
    @SuppressWarnings("unchecked")
    T result = (T) last[0];
    return result;
  }
}
