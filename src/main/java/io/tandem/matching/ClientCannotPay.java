package io.tandem.matching;

import io.tandem.kernel.RequestId;
import io.tandem.kernel.UserId;

/** Thrown inside an accept's transaction to roll it back when the client's wallet cannot cover the price. */
public final class ClientCannotPay extends RuntimeException {
  private final RequestId request;
  private final UserId client;

  ClientCannotPay(RequestId request, UserId client) {
    super("the client cannot pay for this consultation", null, false, false);
    this.request = request;
    this.client = client;
  }

  public RequestId request() {
    return request;
  }

  public UserId client() {
    return client;
  }
}
