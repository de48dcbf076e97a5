-- A new request and its first offer in one commit: the shard owner stores the requests that
-- reached it since its last batch, then makes the batch's offers (make_offers, V18), in one
-- transaction and one round trip. Before this, a request was committed by the node that took
-- the client's call and only then offered by its shard, in a second commit: two durable flushes
-- in series on the way from a request to its offer.
--
-- p_new: the requests to store, a JSON array of objects with the columns below (every key
-- present; null where the request has no value). A request that would break a unique index
-- (the client's idempotency key used before, or a live request of the client already) is not
-- stored and not reported: its caller finds out why and answers the client as before. The
-- stored ones are reported first, as o_outcome 'stored' with o_request, o_queued_at and
-- o_expires_at; then make_offers' rows, unchanged (a proposal for a request that was not stored
-- is 'request_gone' there). The requests are stored even when the shard's lease is lost: they are
-- the clients' and valid, and the shard's next owner reads them.
CREATE FUNCTION store_requests_and_make_offers(p_new jsonb, p_shard integer, p_node text, p_epoch bigint, p_requests uuid[],
                            p_experts uuid[], p_distances double precision[], p_offers uuid[], p_timeout_secs double precision,
                            p_present_secs double precision)
RETURNS TABLE (o_idx integer, o_outcome text, o_expires_at timestamptz, o_client_name text, o_brief text, o_price bigint, o_fee bigint,
               o_request uuid, o_queued_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN QUERY
    WITH stored AS (
        INSERT INTO requests AS r (id, client_id, topic, shard, mode, lat, lng, max_distance_km, brief, status, idempotency_key,
                                   expires_at, fallback_mode, price, platform_fee, chosen_expert_id)
        SELECT n.id, n.client_id, n.topic, p_shard, n.mode, n.lat, n.lng, n.max_distance_km, n.brief, 'queued', n.idempotency_key,
               now() + make_interval(secs => n.max_wait_secs), n.fallback_mode, n.price, n.platform_fee, n.chosen_expert_id
          FROM jsonb_to_recordset(p_new) AS n(id uuid, client_id uuid, topic text, mode text, lat double precision,
                                              lng double precision, max_distance_km double precision, brief text,
                                              idempotency_key text, max_wait_secs double precision, fallback_mode text,
                                              price bigint, platform_fee bigint, chosen_expert_id uuid)
        ON CONFLICT DO NOTHING
        RETURNING r.id, r.queued_at, r.expires_at)
    SELECT NULL::integer, 'stored'::text, s.expires_at, NULL::text, NULL::text, NULL::bigint, NULL::bigint, s.id, s.queued_at
      FROM stored s;

    -- A statement of its own, so that it sees the rows stored just above.
    RETURN QUERY
    SELECT m.o_idx, m.o_outcome, m.o_expires_at, m.o_client_name, m.o_brief, m.o_price, m.o_fee, NULL::uuid, NULL::timestamptz
      FROM make_offers(p_shard, p_node, p_epoch, p_requests, p_experts, p_distances, p_offers, p_timeout_secs, p_present_secs) m
     ORDER BY m.o_idx;
END;
$$;
