package io.tandem.matching;

import io.tandem.kernel.ExpertSnapshot;
/**
 * An expert who may be offered a request, and how well they fit it.
 *
 * @param topicLevelsUp 0 when the expert offers the request's topic, 1 for its parent, and so on
 */
public record Candidate(ExpertSnapshot expert, double distanceKm, int topicLevelsUp, double score) {}
