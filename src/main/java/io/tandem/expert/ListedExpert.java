package io.tandem.expert;

import io.tandem.kernel.UserId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/** An expert as anyone signed in may see them: their name and, once saved, their profile's public part (not where they are). */
public record ListedExpert(UserId id, String displayName, Optional<ExpertProfile> profile) {
  /** The contract's public profile: an expert who has not saved a profile yet shows empty lists. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("displayName", displayName)
        .put("topics", profile.map(ExpertProfile::topicsJson).orElseGet(JsonArray::new))
        .put("modes", profile.map(ExpertProfile::modesJson).orElseGet(JsonArray::new))
        .put("bio", profile.map(ExpertProfile::bio).orElse(""))
        .put("languages", new JsonArray(profile.map(ExpertProfile::languages).orElse(List.of())));
  }
}
