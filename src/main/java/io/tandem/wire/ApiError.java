package io.tandem.wire;

import io.vertx.core.json.JsonObject;

/**
 * The one way to tell a user that their call failed: a contract error code and a message meant for
 * people. Over HTTP it becomes {@code {"error": {"code", "message"}}} with the code's status; over
 * the WebSocket an {@code error} frame. Messages name the problem and never carry SQL or stack traces.
 */
public final class ApiError extends RuntimeException {
  private final ErrorCode code;
  /** Fields a program acts on, beside the message a person reads: the live request's id of a second request, say. */
  private final JsonObject details;

  public ApiError(ErrorCode code, String message) {
    this(code, message, new JsonObject());
  }

  private ApiError(ErrorCode code, String message, JsonObject details) {
    super(message, null, false, false);
    this.code = code;
    this.details = details;
  }

  /** This error with one field more beside {@code code} and {@code message} (docs/protocol.md names each). */
  public ApiError with(String field, Object value) {
    return new ApiError(code, getMessage(), details.copy().put(field, value));
  }

  /** The fields beside {@code code} and {@code message}, in order of addition. */
  public JsonObject details() {
    return details.copy();
  }

  public static ApiError badRequest(String message) {
    return new ApiError(ErrorCode.BAD_REQUEST, message);
  }

  public static ApiError unauthorized(String message) {
    return new ApiError(ErrorCode.UNAUTHORIZED, message);
  }

  public static ApiError forbidden(String message) {
    return new ApiError(ErrorCode.FORBIDDEN, message);
  }

  public static ApiError notFound(String message) {
    return new ApiError(ErrorCode.NOT_FOUND, message);
  }

  public static ApiError conflict(String message) {
    return new ApiError(ErrorCode.CONFLICT, message);
  }

  public static ApiError tooLarge(String message) {
    return new ApiError(ErrorCode.TOO_LARGE, message);
  }

  public static ApiError unavailable(String message) {
    return new ApiError(ErrorCode.UNAVAILABLE, message);
  }

  /** For failures that are ours, not the caller's; the details go to the log, not to the user. */
  public static ApiError internal() {
    return new ApiError(ErrorCode.INTERNAL, "something went wrong on our side; it has been logged");
  }

  public ErrorCode code() {
    return code;
  }

  public JsonObject toJson() {
    return new JsonObject().put("error", new JsonObject().put("code", code.wireName()).put("message", getMessage()).mergeIn(details));
  }
}
