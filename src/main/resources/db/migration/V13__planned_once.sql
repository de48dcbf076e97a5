-- Issue 24: the same three functions, in PL/pgSQL, with the same bodies and meaning.
--
-- A LANGUAGE sql function that PostgreSQL cannot inline (a body with a FROM clause or a sub-select,
-- as each of these has) is parsed and planned again at every top-level call: PostgreSQL 17 keeps
-- no plan for it between statements. PL/pgSQL keeps its plans for the life of the connection.
-- Measured on the embedded database (pgbench, prepared, one connection): `SELECT expert_load($1)`
-- took 0.204 ms as SQL and 0.079 ms as PL/pgSQL, the same as the bare query (0.076 ms). Each
-- consultation calls expert_load about four times (the capacity guard of make_offers, the loads
-- reported to the shards), client_there twice (make_offers, accept) and the session's request
-- once per money move (the ledger's webhook trigger).

CREATE OR REPLACE FUNCTION expert_load(expert uuid) RETURNS integer LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN ((SELECT count(*) FROM sessions s WHERE s.expert_id = expert AND s.status IN ('waiting', 'active'))
          + (SELECT count(*) FROM offers o WHERE o.expert_id = expert AND o.state = 'pending'))::integer;
END $$;

CREATE OR REPLACE FUNCTION client_there(p_client uuid, p_seen timestamptz, p_away timestamptz, p_present_secs double precision)
RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM connections c WHERE c.user_id = p_client)
        OR (p_seen > now() - make_interval(secs => p_present_secs) AND (p_away IS NULL OR p_seen > p_away));
END $$;

CREATE OR REPLACE FUNCTION webhook_request_of_session(p_session uuid) RETURNS uuid LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT request_id FROM sessions WHERE id = p_session);
END $$;
