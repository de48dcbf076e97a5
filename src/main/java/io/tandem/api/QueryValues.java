package io.tandem.api;

import io.tandem.kernel.Mode;
import io.tandem.kernel.Topic;
import io.tandem.wire.ApiError;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Query parameters that are not numbers (those are {@code QueryNumbers}'), read at the edge with
 * one wording for every route that takes them: a topic, a mode, an instant.
 */
final class QueryValues {
  private QueryValues() {}

  /** {@code topic}: required, a topic like {@code career.interview}. */
  static Topic requiredTopic(String value) {
    if (value == null || value.isBlank()) {
      throw ApiError.badRequest("topic is required: a topic like career.interview");
    }
    return Topic.parse(value)
        .orElseThrow(() -> ApiError.badRequest("topic '" + value + "' is not a topic: lowercase dotted words, most general first, like career.interview"));
  }

  /** {@code mode}: required, one of chat, video and in_person. */
  static Mode requiredMode(String value) {
    return optionalMode(value).orElseThrow(() -> ApiError.badRequest("mode is required: chat, video or in_person"));
  }

  /** {@code mode}: empty when not given (or blank), else one of chat, video and in_person. */
  static Optional<Mode> optionalMode(String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(Mode.fromWire(value)
        .orElseThrow(() -> ApiError.badRequest("mode '" + value + "' is not a mode; the modes are chat, video and in_person")));
  }

  /** An instant with its offset ({@code 2026-12-24T09:00:00Z}, {@code 2026-12-24T17:00+08:00}); empty when not given. */
  static Optional<Instant> optionalInstant(String name, String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(value).toInstant());
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest(name + " must be a time with its offset, like 2026-12-24T09:00:00Z; got " + value);
    }
  }
}
