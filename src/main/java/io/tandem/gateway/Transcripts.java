package io.tandem.gateway;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A room's stored messages, for a connection whose live delivery missed some (RoomDelivery): the
 * {@code room.message} events of {@code sessionId} after {@code afterSeq}, at most {@code limit},
 * read for {@code reader}, who must be a participant.
 */
@FunctionalInterface
public interface Transcripts {
  Future<List<JsonObject>> after(ConnectionContext reader, String sessionId, int afterSeq, int limit);
}
