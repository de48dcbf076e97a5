package io.tandem.expert;

import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import java.util.Optional;

/** What other features may read of experts' saved profiles (presence fills an expert's defaults from it). */
@FunctionalInterface
public interface ExpertProfiles {
  /** The expert's saved profile; empty before the first save. */
  Future<Optional<ExpertProfile>> find(UserId expert);
}
