-- GET /api/v1/me/sessions: a participant's sessions, newest first.
CREATE INDEX sessions_by_client ON sessions (client_id, created_at DESC);
CREATE INDEX sessions_by_expert ON sessions (expert_id, created_at DESC);
