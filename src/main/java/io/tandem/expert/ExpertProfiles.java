package io.tandem.expert;

import io.tandem.kernel.UserId;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * What other features may do with experts' saved profiles: presence fills an expert's defaults
 * from one, the directory saves them and shows them.
 */
public interface ExpertProfiles {
  /** The expert's saved profile; empty before the first save. */
  Future<Optional<ExpertProfile>> find(UserId expert);

  /** Saves the expert's profile; empty when their account no longer exists. */
  Future<Optional<ExpertProfile>> save(ExpertProfile profile);

  /** The expert with this id as anyone may see them; empty when no expert has that id. */
  Future<Optional<ListedExpert>> listed(UserId expert);
}
