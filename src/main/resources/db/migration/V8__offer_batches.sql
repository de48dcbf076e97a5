-- Issue 14: a shard's batch of offers written in one round trip.
--
-- make_offers writes the offers of one batch with every guard of a single offer, in this order:
--  1. fencing: the shard's lease must be this node's, at this epoch, unexpired; the row is locked
--     FOR KEY SHARE until commit (a renewal does not conflict with it, a takeover does: see
--     ShardLeases);
--  2. capacity: the presence rows of the batch's experts are locked, in expert id order (as every
--     transaction locks them: no two wait on each other in opposite orders), and only then, in
--     statements of their own, each expert's load is counted: a statement that had waited for a
--     lock would count with the snapshot it started with, and miss the offer it waited for. Offers
--     made earlier in this batch count too (same transaction);
--  3. one offer per request: the request must be this shard's, still queued and unexpired (a conditional
--     update), and the unique index on pending offers is the last word.
-- One row per proposal, by its 1-based place: outcome 'made' (with the offer's deadline and what
-- the expert is shown), 'request_gone', 'expert_unavailable', or 'fenced' (all of them).
-- The expert's idle_since (presence's column) is not written here: matching asks presence for it
-- after the commit, through ExpertPresence.offered.
CREATE FUNCTION make_offers(p_shard integer, p_node text, p_epoch bigint, p_requests uuid[], p_experts uuid[],
                            p_distances double precision[], p_offers uuid[], p_timeout_secs double precision)
RETURNS TABLE (o_idx integer, o_outcome text, o_expires_at timestamptz, o_client_name text, o_brief text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    n integer := coalesce(array_length(p_requests, 1), 0);
    cap integer;
BEGIN
    PERFORM 1 FROM shard_leases l
     WHERE l.shard = p_shard AND l.owner_node = p_node AND l.epoch = p_epoch AND l.expires_at > now()
       FOR KEY SHARE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT i::integer, 'fenced'::text, NULL::timestamptz, NULL::text, NULL::text
                       FROM generate_series(1, n) i;
        RETURN;
    END IF;

    PERFORM 1 FROM expert_presence p WHERE p.expert_id = ANY (p_experts) ORDER BY p.expert_id FOR UPDATE;

    FOR i IN 1 .. n LOOP
        o_idx := i;
        o_expires_at := NULL;
        o_client_name := NULL;
        o_brief := NULL;
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
        RETURNING a.display_name, r.brief INTO o_client_name, o_brief;
        IF NOT FOUND THEN
            o_outcome := 'request_gone';
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
