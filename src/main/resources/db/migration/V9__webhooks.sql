-- Issue 15: lifecycle webhooks through a transactional outbox.
--
-- Who writes what. The webhook feature (io.tandem.webhook.WebhookStore) owns these three tables:
-- it writes subscriptions, and it claims, settles and prunes deliveries. Events and their delivery
-- rows are written by the triggers below, inside the transaction that changes a request, offer,
-- session, penalty or wallet, and by nothing else. A trigger, not Java code at each call site: every
-- path that changes those rows (the services, the timers, the sweepers, make_offers) then records
-- its event in the same commit, and a path added later cannot forget to. Nothing is recorded while
-- no active subscription wants the event: the outbox costs an operator without webhooks one
-- indexed lookup per change.

CREATE TABLE webhook_subscriptions (
    id         uuid        PRIMARY KEY,
    url        text        NOT NULL,
    -- Standard Webhooks secret: 'whsec_' + base64 of the key bytes, or any other string (its UTF-8 bytes).
    secret     text        NOT NULL,
    -- Event types wanted; empty: every type.
    events     text[]      NOT NULL DEFAULT '{}',
    -- 'config': from webhooks.url (kept in step with the configuration at every start); 'admin': the admin API.
    source     text        NOT NULL CHECK (source IN ('config', 'admin')),
    active     boolean     NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_subscriptions_active ON webhook_subscriptions (id) WHERE active;

-- One row per lifecycle event. id is the idempotency id receivers see in webhook-id: the same on
-- every retry and replay. ordering_key is the request the event belongs to (offers, the session,
-- its penalties and money all belong to one request): events of one key reach each subscriber in
-- seq order.
CREATE TABLE webhook_events (
    seq          bigserial   PRIMARY KEY,
    id           uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    type         text        NOT NULL,
    ordering_key uuid        NOT NULL,
    occurred_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    data         jsonb       NOT NULL
);
CREATE INDEX webhook_events_occurred ON webhook_events (occurred_at);

-- Each event, to each subscription that wanted it when it happened.
CREATE TABLE webhook_deliveries (
    subscription_id uuid        NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_seq       bigint      NOT NULL REFERENCES webhook_events (seq) ON DELETE CASCADE,
    ordering_key    uuid        NOT NULL,
    state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'gave_up')),
    attempts        integer     NOT NULL DEFAULT 0,
    -- For a pending delivery: not before this. A claimed one is pushed on by the claim timeout, so
    -- that another node sends it again only if the claimer died.
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_attempt_at timestamptz,
    last_status     integer,
    last_error      text,
    delivered_at    timestamptz,
    PRIMARY KEY (subscription_id, event_seq)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_in_order ON webhook_deliveries (subscription_id, ordering_key, event_seq) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_seq);
-- The admin list counts each subscription's given-up deliveries.
CREATE INDEX webhook_deliveries_given_up ON webhook_deliveries (subscription_id) WHERE state = 'gave_up';

CREATE FUNCTION webhook_record(p_type text, p_key uuid, p_data jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_seq bigint;
BEGIN
    PERFORM 1 FROM webhook_subscriptions s WHERE s.active AND (cardinality(s.events) = 0 OR p_type = ANY (s.events));
    IF NOT FOUND THEN
        RETURN;
    END IF;
    INSERT INTO webhook_events (type, ordering_key, data) VALUES (p_type, p_key, p_data) RETURNING seq INTO v_seq;
    INSERT INTO webhook_deliveries (subscription_id, event_seq, ordering_key)
    SELECT s.id, v_seq, p_key FROM webhook_subscriptions s
     WHERE s.active AND (cardinality(s.events) = 0 OR p_type = ANY (s.events));
END $$;

-- The request a session, offer or penalty belongs to.
CREATE FUNCTION webhook_request_of_session(p_session uuid) RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT request_id FROM sessions WHERE id = p_session
$$;

CREATE FUNCTION webhook_on_request() RETURNS trigger LANGUAGE plpgsql AS $$
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
            -- back in the queue after its expert did not show (queued <-> offered is the offers' story)
            WHEN NEW.status = 'queued' AND OLD.status = 'matched' THEN 'request.requeued'
        END;
    END IF;
    IF v_type IS NOT NULL THEN
        PERFORM webhook_record(v_type, NEW.id, jsonb_build_object(
            'requestId', NEW.id, 'clientId', NEW.client_id, 'topic', NEW.topic, 'mode', NEW.mode,
            'status', NEW.status, 'sessionId', NEW.session_id, 'createdAt', NEW.created_at, 'expiresAt', NEW.expires_at));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_requests AFTER INSERT OR UPDATE OF status ON requests
    FOR EACH ROW EXECUTE FUNCTION webhook_on_request();

CREATE FUNCTION webhook_on_offer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.state IS DISTINCT FROM OLD.state THEN
        PERFORM webhook_record(CASE WHEN TG_OP = 'INSERT' THEN 'offer.made' ELSE 'offer.' || NEW.state END, NEW.request_id,
            jsonb_build_object('offerId', NEW.id, 'requestId', NEW.request_id, 'expertId', NEW.expert_id,
                'state', NEW.state, 'expiresAt', NEW.expires_at));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_offers AFTER INSERT OR UPDATE OF state ON offers
    FOR EACH ROW EXECUTE FUNCTION webhook_on_offer();

CREATE FUNCTION webhook_on_session() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_type text;
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        v_type := CASE
            WHEN NEW.status = 'active' THEN 'session.started'
            WHEN NEW.status = 'completed' THEN 'session.completed'
            WHEN NEW.status IN ('expert_no_show', 'client_no_show', 'both_no_show') THEN 'session.no_show'
            WHEN NEW.status = 'abandoned' THEN 'session.abandoned'
        END;
    END IF;
    IF v_type IS NOT NULL THEN
        PERFORM webhook_record(v_type, NEW.request_id, jsonb_build_object(
            'sessionId', NEW.id, 'requestId', NEW.request_id, 'clientId', NEW.client_id, 'expertId', NEW.expert_id,
            'mode', NEW.mode, 'status', NEW.status, 'endedBy', NEW.ended_by, 'startedAt', NEW.started_at, 'endedAt', NEW.ended_at));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_sessions AFTER UPDATE OF status ON sessions
    FOR EACH ROW EXECUTE FUNCTION webhook_on_session();

CREATE FUNCTION webhook_on_penalty() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_key uuid;
BEGIN
    IF TG_OP = 'UPDATE' AND NOT (NEW.waived AND NOT OLD.waived) THEN
        RETURN NULL;
    END IF;
    v_key := coalesce(webhook_request_of_session(NEW.session_id),
                      (SELECT request_id FROM offers WHERE id = NEW.offer_id), NEW.user_id);
    PERFORM webhook_record(CASE WHEN TG_OP = 'INSERT' THEN 'penalty.recorded' ELSE 'penalty.waived' END, v_key,
        jsonb_build_object('penaltyId', NEW.id, 'userId', NEW.user_id, 'kind', NEW.kind, 'points', NEW.points,
            'reason', NEW.reason, 'sessionId', NEW.session_id, 'offerId', NEW.offer_id, 'waived', NEW.waived,
            'waivedReason', NEW.waived_reason, 'createdAt', NEW.created_at));
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_penalties AFTER INSERT OR UPDATE OF waived ON penalties
    FOR EACH ROW EXECUTE FUNCTION webhook_on_penalty();

-- Money moves of a person's wallet; the escrow and funding legs of the same transfers add nothing
-- a subscriber needs, and the initial grant belongs to no consultation.
CREATE FUNCTION webhook_on_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM webhook_record('ledger.' || NEW.kind, coalesce(webhook_request_of_session(NEW.session_id), NEW.user_id),
        jsonb_build_object('entryId', NEW.id, 'transferId', NEW.transfer_id, 'userId', NEW.user_id, 'kind', NEW.kind,
            'amount', NEW.amount, 'sessionId', NEW.session_id, 'createdAt', NEW.created_at));
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_ledger AFTER INSERT ON ledger_entries
    FOR EACH ROW WHEN (NEW.account = 'wallet' AND NEW.kind <> 'initial') EXECUTE FUNCTION webhook_on_ledger();
