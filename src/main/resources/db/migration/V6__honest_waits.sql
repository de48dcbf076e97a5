-- Issue 13: a waiting client is told the truth, and experts are judged fairly.

-- An offer that timed out while its expert was away (offline, or in the reconnect grace): it cost
-- no penalty and does not count against their acceptance rate.
ALTER TABLE offers ADD COLUMN expert_away boolean NOT NULL DEFAULT false;
-- An expert's offers over the penalty window: their stats and their acceptance rate in the ranking.
CREATE INDEX offers_by_expert ON offers (expert_id, created_at);

-- In person, what the client accepts instead when nobody is within range (null: wait in person).
ALTER TABLE requests ADD COLUMN fallback_mode text CHECK (fallback_mode IN ('video', 'chat'));

-- When both participants were told that an active session is about to end by itself (one of them
-- alone too long, or the session too long); a join clears it, so a new stretch is warned again.
ALTER TABLE sessions ADD COLUMN end_warned_at timestamptz;
