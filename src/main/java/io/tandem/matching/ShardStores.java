package io.tandem.matching;

import io.tandem.presence.ExpertPresence;

/**
 * What the shards this node owns read and write, and their sweeper: requests and offers (one
 * store in two halves), the reads that rebuild a shard, the timeouts with their penalties, and
 * the experts' offer bookkeeping in presence (which presence owns).
 */
record ShardStores(RequestRepository requests, OfferRepository offers, MatchingQueries queries, OfferTimeouts timeouts,
    ExpertPresence presence) {}
