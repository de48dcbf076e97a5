package io.tandem.matching;

import io.tandem.kernel.RequestId;

/** A client who already has a live request asked for another: that one's id (one live request each). */
public final class LiveRequestExists extends RuntimeException {
  private final RequestId live;

  LiveRequestExists(RequestId live) {
    super("the client already has a live request", null, false, false);
    this.live = live;
  }

  public RequestId live() {
    return live;
  }
}
