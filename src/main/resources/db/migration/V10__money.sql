-- Issue 21: money a paid service can stand behind.

-- ---- the ledger

-- A platform account (its fee from every paid consultation, and what it gives back: refunds of
-- waived no-show fees, operators' credits), and the entries a person sees: refunds, top-ups and
-- operators' credits. note: why an operator moved the money, shown to the person it concerns.
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_account_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_account_check
    CHECK (account IN ('wallet', 'escrow', 'funding', 'platform'));
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_kind_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_kind_check
    CHECK (kind IN ('initial', 'hold', 'capture', 'release', 'no_show_fee', 'compensation', 'platform_fee', 'refund', 'top_up', 'credit'));
ALTER TABLE ledger_entries ADD COLUMN note text;

-- ---- requests: a price quoted at asking, one live request per client, and a client who is there

-- The price quoted when the request was made is the price held at match, whatever the
-- configuration says by then (null: made before prices were quoted, priced at match as before).
-- platform_fee is the part of it the platform keeps; the expert earns the rest.
ALTER TABLE requests ADD COLUMN price bigint CHECK (price >= 0);
ALTER TABLE requests ADD COLUMN platform_fee bigint CHECK (platform_fee >= 0 AND platform_fee <= price);
-- Is the client there? With a WebSocket connection, yes. Without one: client_seen_at is the last
-- sign of life over HTTP (the request made, or polled), client_away_since when their last
-- connection closed (or their node died). A request is offered only while its client is there:
-- connected, or polled within matching.clientPresentSeconds and not since gone; one whose client
-- has been gone matching.clientGoneSeconds (no connection, no poll) is cancelled as client_left.
ALTER TABLE requests ADD COLUMN client_seen_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE requests ADD COLUMN client_away_since timestamptz;
-- Why a cancelled request was cancelled: by its client, the client gone while waiting, an operator,
-- or the client could not pay at match.
ALTER TABLE requests ADD COLUMN cancel_reason text CHECK (cancel_reason IN ('client', 'client_left', 'operator', 'unpayable'));

-- One live request per client: a second one was invisible on the first's screen, and could be
-- matched and fined while the client looked elsewhere. Older duplicates are closed first.
UPDATE offers SET state = 'revoked', resolved_at = now() WHERE state = 'pending' AND request_id IN (
    SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY client_id ORDER BY created_at DESC) AS n
                      FROM requests WHERE status IN ('queued', 'offered')) live WHERE n > 1);
UPDATE requests SET status = 'cancelled', cancel_reason = 'operator' WHERE id IN (
    SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY client_id ORDER BY created_at DESC) AS n
                      FROM requests WHERE status IN ('queued', 'offered')) live WHERE n > 1);
CREATE UNIQUE INDEX requests_one_live_per_client ON requests (client_id) WHERE status IN ('queued', 'offered');

-- ---- sessions: the ways an active session ends when one side goes for good

-- expert_left: the expert joined, then went (past the reconnect grace, or out of the room past the
-- alone timeout) while the client stayed: refunded and requeued first, as after a no-show.
-- client_left: the mirror; the expert was there for it, so it is paid.
ALTER TABLE sessions DROP CONSTRAINT sessions_status_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_status_check CHECK (status IN ('waiting', 'active', 'completed', 'expert_no_show',
    'client_no_show', 'both_no_show', 'abandoned', 'expert_left', 'client_left'));
-- A request is matched at most once: at most one session of it that did not fail on the expert's side.
DROP INDEX sessions_one_per_request;
CREATE UNIQUE INDEX sessions_one_per_request ON sessions (request_id) WHERE status NOT IN ('expert_no_show', 'expert_left');
-- The platform's part of the price held for the session, fixed at match with the price.
ALTER TABLE sessions ADD COLUMN platform_fee bigint NOT NULL DEFAULT 0;

ALTER TABLE penalties DROP CONSTRAINT penalties_kind_check;
ALTER TABLE penalties ADD CONSTRAINT penalties_kind_check CHECK (kind IN ('offer_timeout', 'no_show', 'late', 'abandoned', 'expert_left'));

-- ---- top-ups through a payment provider

-- A client's top-up: credited at once by the demo provider, pending until a real provider confirms.
-- The same Idempotency-Key from the same user is the same top-up.
CREATE TABLE top_ups (
    id              uuid        PRIMARY KEY,
    user_id         uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    amount          bigint      NOT NULL CHECK (amount > 0),
    provider        text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('pending', 'credited', 'failed')),
    idempotency_key text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    settled_at      timestamptz,
    UNIQUE (user_id, idempotency_key)
);
CREATE INDEX top_ups_by_user ON top_ups (user_id, created_at DESC);

-- Every provider event taken, once: a provider that sends the same event again is answered as
-- before and credits nothing more.
CREATE TABLE payment_events (
    provider    text        NOT NULL,
    event_id    text        NOT NULL,
    top_up_id   uuid        NOT NULL REFERENCES top_ups (id) ON DELETE CASCADE,
    outcome     text        NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, event_id)
);

-- ---- what operators did

-- Every operator action, in the transaction that did it: who, what, to what, why. The same
-- Idempotency-Key from the same operator is the same action (a retry answers it again).
CREATE TABLE audit_log (
    id              uuid        PRIMARY KEY,
    actor_id        uuid        NOT NULL REFERENCES accounts (id),
    action          text        NOT NULL,
    subject_type    text        NOT NULL,
    subject_id      uuid        NOT NULL,
    reason          text        NOT NULL,
    details         jsonb       NOT NULL DEFAULT '{}',
    idempotency_key text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (actor_id, idempotency_key)
);
CREATE INDEX audit_log_recent ON audit_log (created_at DESC);
CREATE INDEX audit_log_subject ON audit_log (subject_id, created_at DESC);

-- Who suspended an account: a waiver lifts a suspension penalties started, never an operator's.
ALTER TABLE accounts ADD COLUMN suspended_by_operator boolean NOT NULL DEFAULT false;

-- Finding a person by name in the console.
CREATE INDEX accounts_display_name ON accounts (lower(display_name));

-- ---- webhooks: the new statuses and reasons

CREATE OR REPLACE FUNCTION webhook_on_request() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_type text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        v_type := 'request.created';
    ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
        v_type := CASE
            WHEN NEW.status = 'matched' THEN 'request.matched'
            WHEN NEW.status = 'expired' THEN 'request.expired'
            WHEN NEW.status = 'cancelled' THEN 'request.cancelled'
            -- back in the queue after its expert did not show or left (queued <-> offered is the offers' story)
            WHEN NEW.status = 'queued' AND OLD.status = 'matched' THEN 'request.requeued'
        END;
    END IF;
    IF v_type IS NOT NULL THEN
        PERFORM webhook_record(v_type, NEW.id, jsonb_build_object(
            'requestId', NEW.id, 'clientId', NEW.client_id, 'topic', NEW.topic, 'mode', NEW.mode,
            'status', NEW.status, 'sessionId', NEW.session_id, 'createdAt', NEW.created_at, 'expiresAt', NEW.expires_at,
            'cancelReason', NEW.cancel_reason, 'price', NEW.price));
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION webhook_on_session() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_type text;
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        v_type := CASE
            WHEN NEW.status = 'active' THEN 'session.started'
            WHEN NEW.status = 'completed' THEN 'session.completed'
            WHEN NEW.status IN ('expert_no_show', 'client_no_show', 'both_no_show') THEN 'session.no_show'
            -- data.status tells which: abandoned (both gone), expert_left or client_left
            WHEN NEW.status IN ('abandoned', 'expert_left', 'client_left') THEN 'session.abandoned'
        END;
    END IF;
    IF v_type IS NOT NULL THEN
        PERFORM webhook_record(v_type, NEW.request_id, jsonb_build_object(
            'sessionId', NEW.id, 'requestId', NEW.request_id, 'clientId', NEW.client_id, 'expertId', NEW.expert_id,
            'mode', NEW.mode, 'status', NEW.status, 'endedBy', NEW.ended_by, 'startedAt', NEW.started_at, 'endedAt', NEW.ended_at));
    END IF;
    RETURN NULL;
END $$;

-- ---- offers only to a client who is there

-- The one test of "the client is there", for offers (make_offers) and acceptances alike: a
-- WebSocket connection, or a poll within p_present_secs that came after their last connection closed.
CREATE FUNCTION client_there(p_client uuid, p_seen timestamptz, p_away timestamptz, p_present_secs double precision)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM connections c WHERE c.user_id = p_client)
        OR (p_seen > now() - make_interval(secs => p_present_secs) AND (p_away IS NULL OR p_seen > p_away))
$$;

-- make_offers (V8) with one guard more: the request's client must be there (client_there);
-- otherwise the outcome is 'client_away' and nothing is written (the shard holds the request
-- until the client is back, or the sweep cancels it). A made offer also says the request's price
-- and the platform's part of it: the expert is shown what they would earn.
DROP FUNCTION make_offers(integer, text, bigint, uuid[], uuid[], double precision[], uuid[], double precision);
CREATE FUNCTION make_offers(p_shard integer, p_node text, p_epoch bigint, p_requests uuid[], p_experts uuid[],
                            p_distances double precision[], p_offers uuid[], p_timeout_secs double precision,
                            p_present_secs double precision)
RETURNS TABLE (o_idx integer, o_outcome text, o_expires_at timestamptz, o_client_name text, o_brief text, o_price bigint, o_fee bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n integer := coalesce(array_length(p_requests, 1), 0);
    cap integer;
BEGIN
    PERFORM 1 FROM shard_leases l
     WHERE l.shard = p_shard AND l.owner_node = p_node AND l.epoch = p_epoch AND l.expires_at > now()
       FOR KEY SHARE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT i::integer, 'fenced'::text, NULL::timestamptz, NULL::text, NULL::text, NULL::bigint, NULL::bigint
                       FROM generate_series(1, n) i;
        RETURN;
    END IF;

    PERFORM 1 FROM expert_presence p WHERE p.expert_id = ANY (p_experts) ORDER BY p.expert_id FOR UPDATE;

    FOR i IN 1 .. n LOOP
        o_idx := i;
        o_expires_at := NULL;
        o_client_name := NULL;
        o_brief := NULL;
        o_price := NULL;
        o_fee := NULL;
        SELECT p.capacity INTO cap
          FROM expert_presence p JOIN accounts a ON a.id = p.expert_id
         WHERE p.expert_id = p_experts[i] AND p.status = 'online' AND p.disconnected_at IS NULL
           AND (a.suspended_until IS NULL OR a.suspended_until <= now());
        IF NOT FOUND OR expert_load(p_experts[i]) >= cap THEN
            o_outcome := 'expert_unavailable';
            RETURN NEXT;
            CONTINUE;
        END IF;

        UPDATE requests r SET status = 'offered' FROM accounts a
         WHERE r.id = p_requests[i] AND r.shard = p_shard AND r.status = 'queued' AND r.expires_at > now() AND a.id = r.client_id
           AND client_there(r.client_id, r.client_seen_at, r.client_away_since, p_present_secs)
        RETURNING a.display_name, r.brief, r.price, r.platform_fee INTO o_client_name, o_brief, o_price, o_fee;
        IF NOT FOUND THEN
            PERFORM 1 FROM requests r
             WHERE r.id = p_requests[i] AND r.shard = p_shard AND r.status = 'queued' AND r.expires_at > now();
            o_outcome := CASE WHEN FOUND THEN 'client_away' ELSE 'request_gone' END;
            RETURN NEXT;
            CONTINUE;
        END IF;

        INSERT INTO offers (id, request_id, expert_id, state, distance_km, shard, shard_epoch, expires_at)
        VALUES (p_offers[i], p_requests[i], p_experts[i], 'pending', p_distances[i], p_shard, p_epoch,
                now() + make_interval(secs => p_timeout_secs))
        RETURNING offers.expires_at INTO o_expires_at;
        o_outcome := 'made';
        RETURN NEXT;
    END LOOP;
END;
$$;
