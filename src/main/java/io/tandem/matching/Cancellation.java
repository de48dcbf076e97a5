package io.tandem.matching;

import io.tandem.kernel.RequestStatus;

/** What came of cancelling a request. */
public sealed interface Cancellation {
  record Cancelled(ClosedRequest request) implements Cancellation {}

  record NotFound() implements Cancellation {}

  record AlreadyClosed(RequestStatus status) implements Cancellation {}
}
