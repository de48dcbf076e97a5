package io.tandem.reliability;

/**
 * How often an expert takes what they are offered, over the penalty window: accepted over
 * accepted, declined and missed. An offer missed while the expert was away (offline, or in the
 * reconnect grace) and an offer taken back (the request was cancelled or expired, or the expert
 * went offline) are not counted: they say nothing of the expert's will. Plain Java.
 */
public final class AcceptanceRate {
  /**
   * Accepted offers an expert is credited with before any is counted, for the ranking: a newcomer
   * ranks as fully accepting, and one early decline costs a newcomer less than it would cost after
   * a hundred offers.
   */
  public static final int PRIOR_ACCEPTED = 3;

  private AcceptanceRate() {}

  /** The observed rate, 0 to 1, or null with nothing counted yet (for the expert to read). */
  public static Double observed(long accepted, long counted) {
    return counted == 0 ? null : (double) accepted / counted;
  }

  /** The rate the ranking uses, 0 to 1: the observed one pulled towards 1 by {@link #PRIOR_ACCEPTED}. */
  public static double ranked(long accepted, long counted) {
    return (double) (accepted + PRIOR_ACCEPTED) / (counted + PRIOR_ACCEPTED);
  }
}
