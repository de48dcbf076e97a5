-- Ask this expert: a request may name the expert the client asks for. It is offered to them alone
-- until the client opens it to everyone (chosen_expert_id set to NULL; it is never set later).
-- The shard's matchmaker proposes nobody else; make_offers holds it too, as PostgreSQL is the
-- guard: an offer of such a request to anyone else is refused ('not_chosen') and nothing changes.
ALTER TABLE requests ADD COLUMN chosen_expert_id uuid REFERENCES accounts (id) ON DELETE SET NULL;

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
        IF NOT FOUND OR expert_load(p_experts[i]) >= cap THEN
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
