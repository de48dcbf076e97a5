-- Presence, requests, offers and sessions: matchmaking. Every invariant the contract promises is
-- enforced here, by constraints and conditional updates; the in-memory matcher only proposes.

-- Nodes announce themselves; a node whose heartbeat is older than the lease is dead, and its
-- WebSocket connections are forgotten.
CREATE TABLE nodes (
    node_id      text        PRIMARY KEY,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);

-- One row per open WebSocket, so that presence survives a user with several devices on several nodes.
CREATE TABLE connections (
    connection_id uuid        PRIMARY KEY,
    user_id       uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    node_id       text        NOT NULL,
    connected_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX connections_user ON connections (user_id);
CREATE INDEX connections_node ON connections (node_id);

-- What an online expert offers right now (defaults come from the profile). disconnected_at is set
-- while the expert has no connection at all: no new offers, and offline after the grace period.
CREATE TABLE expert_presence (
    expert_id       uuid             PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    status          text             NOT NULL CHECK (status IN ('online', 'offline')),
    offline_reason  text,
    topics          text[]           NOT NULL,
    modes           text[]           NOT NULL,
    lat             double precision NOT NULL,
    lng             double precision NOT NULL,
    capacity        integer          NOT NULL CHECK (capacity BETWEEN 1 AND 10),
    idle_since      timestamptz      NOT NULL DEFAULT now(),
    disconnected_at timestamptz,
    updated_at      timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX expert_presence_disconnected ON expert_presence (disconnected_at) WHERE status = 'online' AND disconnected_at IS NOT NULL;

CREATE TABLE requests (
    id               uuid             PRIMARY KEY,
    client_id        uuid             NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    topic            text             NOT NULL,
    shard            integer          NOT NULL,
    mode             text             NOT NULL CHECK (mode IN ('chat', 'video', 'in_person')),
    lat              double precision NOT NULL,
    lng              double precision NOT NULL,
    max_distance_km  double precision,
    brief            text             NOT NULL DEFAULT '',
    status           text             NOT NULL CHECK (status IN ('queued', 'offered', 'matched', 'expired', 'cancelled')),
    idempotency_key  text,
    queued_at        timestamptz      NOT NULL DEFAULT now(),
    created_at       timestamptz      NOT NULL DEFAULT now(),
    expires_at       timestamptz      NOT NULL,
    matched_at       timestamptz,
    session_id       uuid,
    CHECK (mode <> 'in_person' OR max_distance_km IS NOT NULL)
);
-- The same Idempotency-Key from the same client is the same request.
CREATE UNIQUE INDEX requests_idempotency ON requests (client_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX requests_waiting_by_shard ON requests (shard) WHERE status IN ('queued', 'offered');
CREATE INDEX requests_waiting_by_topic ON requests (topic, queued_at) WHERE status IN ('queued', 'offered');
CREATE INDEX requests_waiting_expiry ON requests (expires_at) WHERE status IN ('queued', 'offered');
CREATE INDEX requests_client ON requests (client_id, created_at);

CREATE TABLE offers (
    id           uuid             PRIMARY KEY,
    request_id   uuid             NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    expert_id    uuid             NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    state        text             NOT NULL CHECK (state IN ('pending', 'accepted', 'declined', 'timed_out', 'revoked')),
    distance_km  double precision NOT NULL,
    shard        integer          NOT NULL,
    shard_epoch  bigint           NOT NULL,
    created_at   timestamptz      NOT NULL DEFAULT now(),
    expires_at   timestamptz      NOT NULL,
    resolved_at  timestamptz
);
-- One offer per request at a time: whatever two nodes believe, the second pending offer cannot exist.
CREATE UNIQUE INDEX offers_one_pending_per_request ON offers (request_id) WHERE state = 'pending';
CREATE INDEX offers_pending_expiry ON offers (expires_at) WHERE state = 'pending';
CREATE INDEX offers_pending_by_expert ON offers (expert_id) WHERE state = 'pending';
CREATE INDEX offers_request ON offers (request_id);

CREATE TABLE sessions (
    id             uuid             PRIMARY KEY,
    request_id     uuid             NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    offer_id       uuid             NOT NULL UNIQUE REFERENCES offers (id) ON DELETE CASCADE,
    client_id      uuid             NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    expert_id      uuid             NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    topic          text             NOT NULL,
    mode           text             NOT NULL CHECK (mode IN ('chat', 'video', 'in_person')),
    status         text             NOT NULL CHECK (status IN ('waiting', 'active', 'completed', 'expert_no_show',
                                                               'client_no_show', 'both_no_show', 'abandoned')),
    join_deadline  timestamptz      NOT NULL,
    meeting_lat    double precision,
    meeting_lng    double precision,
    created_at     timestamptz      NOT NULL DEFAULT now(),
    started_at     timestamptz,
    ended_at       timestamptz
);
-- A request is matched at most once: at most one session of it that did not fail on the expert's side.
CREATE UNIQUE INDEX sessions_one_per_request ON sessions (request_id) WHERE status <> 'expert_no_show';
CREATE INDEX sessions_open_by_expert ON sessions (expert_id) WHERE status IN ('waiting', 'active');

-- Matching shards, each owned by one node at a time. The epoch grows with every change of owner;
-- an offer is only written while its shard's lease is held with the epoch the owner knows (fencing).
CREATE TABLE shard_leases (
    shard       integer     PRIMARY KEY,
    owner_node  text        NOT NULL,
    epoch       bigint      NOT NULL,
    expires_at  timestamptz NOT NULL
);

-- An expert's load: sessions waiting or active plus pending offers. The capacity guard and every
-- load reported to the matching shards count it this one way.
CREATE FUNCTION expert_load(expert uuid) RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT ((SELECT count(*) FROM sessions s WHERE s.expert_id = expert AND s.status IN ('waiting', 'active'))
          + (SELECT count(*) FROM offers o WHERE o.expert_id = expert AND o.state = 'pending'))::integer
$$;
