-- Issue 26: booking an expert for later. A booking holds one of an expert's slots
-- (expert_availability) for one client, with its price held in escrow from the moment it is made.
-- At its start it opens a session with the booking's id; until then, and if it is cancelled, it
-- is the consultation the ledger and the penalties name.

-- Two bookings of one expert, or of one client, never overlap while neither is cancelled: an
-- exclusion constraint, so that two nodes booking the same slot at once get one winner
-- (23P01 for the other), whatever either read before. btree_gist gives uuid equality in GiST; it
-- is a trusted extension (PostgreSQL 13 and later), so the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE bookings (
    id              uuid        PRIMARY KEY,
    client_id       uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    expert_id       uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    topic           text        NOT NULL,
    mode            text        NOT NULL CHECK (mode IN ('chat', 'video', 'in_person')),
    start_at        timestamptz NOT NULL,
    end_at          timestamptz NOT NULL CHECK (end_at > start_at),
    -- From then until end_at the expert is offered no instant request (make_offers below):
    -- start_at less bookings.noInstantBeforeMinutes as configured when it was booked.
    quiet_from      timestamptz NOT NULL CHECK (quiet_from <= start_at),
    price           bigint      NOT NULL CHECK (price >= 0),
    platform_fee    bigint      NOT NULL CHECK (platform_fee >= 0 AND platform_fee <= price),
    -- The cancellation terms as they were when it was booked (bookings.freeCancelHours and
    -- lateCancelFeePercent): a later change of configuration does not change a booking made.
    free_cancel_until timestamptz NOT NULL CHECK (free_cancel_until <= start_at),
    late_cancel_fee bigint      NOT NULL CHECK (late_cancel_fee >= 0 AND late_cancel_fee <= price),
    brief           text        NOT NULL DEFAULT '',
    -- Where an in-person booking meets: the expert's location when it was booked.
    meeting_lat     double precision,
    meeting_lng     double precision,
    status          text        NOT NULL CHECK (status IN ('confirmed', 'cancelled', 'opened')),
    cancelled_by    uuid        REFERENCES accounts (id) ON DELETE SET NULL,
    cancelled_at    timestamptz,
    -- What the client paid for cancelling: 0 when free or cancelled by the expert, late_cancel_fee after free_cancel_until.
    cancel_fee      bigint      CHECK (cancel_fee >= 0 AND cancel_fee <= price),
    created_at      timestamptz NOT NULL DEFAULT now(),
    opened_at       timestamptz,
    CHECK ((meeting_lat IS NULL) = (meeting_lng IS NULL) AND (mode <> 'in_person' OR meeting_lat IS NOT NULL)),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    CHECK ((status = 'opened') = (opened_at IS NOT NULL)),
    CONSTRAINT bookings_expert_free EXCLUDE USING gist (expert_id WITH =, tstzrange(start_at, end_at) WITH &&)
        WHERE (status <> 'cancelled'),
    CONSTRAINT bookings_client_free EXCLUDE USING gist (client_id WITH =, tstzrange(start_at, end_at) WITH &&)
        WHERE (status <> 'cancelled')
);
-- The opening sweep's look-up, and each side's list.
CREATE INDEX bookings_due ON bookings (start_at) WHERE status = 'confirmed';
CREATE INDEX bookings_client ON bookings (client_id, start_at);
CREATE INDEX bookings_expert ON bookings (expert_id, start_at);

-- ---- a session opened from a booking: no request, no offer

ALTER TABLE sessions ALTER COLUMN request_id DROP NOT NULL;
ALTER TABLE sessions ALTER COLUMN offer_id DROP NOT NULL;
ALTER TABLE sessions ADD COLUMN booking_id uuid UNIQUE REFERENCES bookings (id) ON DELETE CASCADE;
-- Born of an accepted offer (its request and offer) or of a booking (the same id), never both.
ALTER TABLE sessions ADD CONSTRAINT sessions_born_once CHECK (
    (request_id IS NULL) = (offer_id IS NULL) AND (request_id IS NULL) <> (booking_id IS NULL)
    AND (booking_id IS NULL OR booking_id = id));

-- The ledger and the penalties name the consultation: a session, or a booking before its session
-- opens (the session then takes the booking's id, so the hold made at booking is settled with it).
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_session_id_fkey;
ALTER TABLE penalties DROP CONSTRAINT penalties_session_id_fkey;

-- A client who cancels a booking late pays a fee to the expert: a kind of its own on both legs,
-- so that nobody's statement calls it a no-show's.
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_kind_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_kind_check
    CHECK (kind IN ('initial', 'hold', 'capture', 'release', 'no_show_fee', 'compensation', 'platform_fee', 'refund', 'top_up', 'credit',
                    'cancel_fee'));

-- An expert who cancels a confirmed booking.
ALTER TABLE penalties DROP CONSTRAINT penalties_kind_check;
ALTER TABLE penalties ADD CONSTRAINT penalties_kind_check
    CHECK (kind IN ('offer_timeout', 'no_show', 'late', 'abandoned', 'expert_left', 'booking_cancelled'));

-- ---- webhooks: one ordering key per consultation, booked ones included

CREATE OR REPLACE FUNCTION webhook_request_of_session(p_session uuid) RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT coalesce(s.request_id, s.booking_id) FROM sessions s WHERE s.id = p_session),
                    (SELECT b.id FROM bookings b WHERE b.id = p_session))
$$;

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
        PERFORM webhook_record(v_type, coalesce(NEW.request_id, NEW.booking_id), jsonb_build_object(
            'sessionId', NEW.id, 'requestId', NEW.request_id, 'bookingId', NEW.booking_id, 'clientId', NEW.client_id,
            'expertId', NEW.expert_id, 'mode', NEW.mode, 'status', NEW.status, 'endedBy', NEW.ended_by,
            'startedAt', NEW.started_at, 'endedAt', NEW.ended_at));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION webhook_on_booking() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR (NEW.status = 'cancelled' AND OLD.status <> 'cancelled') THEN
        PERFORM webhook_record(CASE WHEN TG_OP = 'INSERT' THEN 'booking.confirmed' ELSE 'booking.cancelled' END, NEW.id,
            jsonb_build_object('bookingId', NEW.id, 'clientId', NEW.client_id, 'expertId', NEW.expert_id, 'topic', NEW.topic,
                'mode', NEW.mode, 'status', NEW.status, 'startAt', NEW.start_at, 'endAt', NEW.end_at, 'price', NEW.price,
                'cancelledBy', NEW.cancelled_by, 'cancelFee', NEW.cancel_fee));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_bookings AFTER INSERT OR UPDATE OF status ON bookings
    FOR EACH ROW EXECUTE FUNCTION webhook_on_booking();

-- ---- make_offers (V17) with one guard more: no instant offer to an expert from a booking's
-- quiet_from to its end, so that an instant session does not run into the booked one. Such an
-- expert is 'expert_unavailable', as one at capacity: the shard takes them as full until their
-- load is read again.
CREATE OR REPLACE FUNCTION make_offers(p_shard integer, p_node text, p_epoch bigint, p_requests uuid[], p_experts uuid[],
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
        IF NOT FOUND OR expert_load(p_experts[i]) >= cap
           OR EXISTS (SELECT 1 FROM bookings b WHERE b.expert_id = p_experts[i] AND b.status = 'confirmed'
                        AND b.quiet_from <= now() AND b.end_at > now()) THEN
            o_outcome := 'expert_unavailable';
            RETURN NEXT;
            CONTINUE;
        END IF;

        UPDATE requests r SET status = 'offered' FROM accounts a
         WHERE r.id = p_requests[i] AND r.shard = p_shard AND r.status = 'queued' AND r.expires_at > now() AND a.id = r.client_id
           AND (r.chosen_expert_id IS NULL OR r.chosen_expert_id = p_experts[i])
           AND client_there(r.client_id, r.client_seen_at, r.client_away_since, p_present_secs)
        RETURNING a.display_name, r.brief, r.price, r.platform_fee INTO o_client_name, o_brief, o_price, o_fee;
        IF NOT FOUND THEN
            PERFORM 1 FROM requests r
             WHERE r.id = p_requests[i] AND r.shard = p_shard AND r.status = 'queued' AND r.expires_at > now()
               AND r.chosen_expert_id IS NOT NULL AND r.chosen_expert_id <> p_experts[i];
            IF FOUND THEN
                o_outcome := 'not_chosen';
                RETURN NEXT;
                CONTINUE;
            END IF;
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
