-- The sessions webhook trigger fires only when a session's status really changes. A join now
-- writes the status column in its single statement (V13's commit: it starts the session when both
-- have joined), and an AFTER UPDATE OF status trigger fires whenever the column is in the SET list,
-- changed or not: webhook_on_session found nothing to record, but its PL/pgSQL still ran once per
-- join and reconnect. A WHEN condition is evaluated before the function is called.
DROP TRIGGER webhook_sessions ON sessions;
CREATE TRIGGER webhook_sessions AFTER UPDATE OF status ON sessions
    FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status) EXECUTE FUNCTION webhook_on_session();
