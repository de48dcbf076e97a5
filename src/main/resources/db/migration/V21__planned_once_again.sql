-- Issue 24: webhook_request_of_session in PL/pgSQL again.
--
-- V13 made it PL/pgSQL so that its plan is kept for the connection's life (a LANGUAGE sql function
-- that PostgreSQL cannot inline is parsed and planned again at every call); V18, teaching it
-- booked sessions, re-created it in SQL and lost that. The ledger's webhook trigger calls it for
-- every money move, twice per consultation: pg_stat_statements over 751 whole consultations
-- (2026-12-07) had that trigger's statement at 0.243 ms a call, eight times the other webhook
-- triggers' (0.030-0.036 ms). Same body and meaning as V18's. StoredFunctionsTest keeps every
-- function of the schema in PL/pgSQL.
CREATE OR REPLACE FUNCTION webhook_request_of_session(p_session uuid) RETURNS uuid LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN coalesce((SELECT coalesce(s.request_id, s.booking_id) FROM sessions s WHERE s.id = p_session),
                    (SELECT b.id FROM bookings b WHERE b.id = p_session));
END $$;
