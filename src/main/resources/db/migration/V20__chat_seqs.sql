-- Issue 24: a message's seq comes from a narrow row of its own instead of the session's row.
--
-- chat_seqs holds a row for each open session (waiting or active) and for no other: the
-- transaction that opens a session makes it and the one that ends it removes it, so a session's
-- chat is open exactly while its row exists. session.MessageStore owns the table. Its writer locks
-- the rows of a batch's sessions (in session order), raises last_seq by each one's count and
-- inserts the messages under it: gapless seqs, as before. Before, it locked and rewrote the wide
-- sessions row (and its foreign key locked it again per message), which cost PostgreSQL about a
-- quarter of the statement (docs/benchmarks.md) and made joins queue behind chat batches.
--
-- Nodes of an older version cannot run beside this schema (their chat statement raises
-- sessions.last_seq): docs/operations.md, "Upgrading", says to stop them all first. Should one
-- still be writing, the lock below keeps its messages out until the counters are seeded, and a
-- counter starts at the highest stored seq whichever of the two is higher.
LOCK TABLE sessions, messages IN SHARE ROW EXCLUSIVE MODE;
CREATE TABLE chat_seqs (
    session_id uuid    PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    last_seq   integer NOT NULL
);
INSERT INTO chat_seqs (session_id, last_seq)
    SELECT s.id, greatest(s.last_seq, (SELECT coalesce(max(m.seq), 0) FROM messages m WHERE m.session_id = s.id))
    FROM sessions s WHERE s.status IN ('waiting', 'active');

-- A session's last seq is its highest stored message's: the counter is the writer's alone.
ALTER TABLE sessions DROP COLUMN last_seq;

-- The statement that stores a message checks its session's participants and holds its open
-- counter row, so the foreign key from messages to sessions guarded nothing more; it cost a
-- trigger and a share lock on the session's row per stored message. What it also did, removing a
-- deleted session's messages, this trigger does (nothing in Tandem deletes a session; an operator
-- may by hand). It fires after the cascade that removes the counter row, which waits for a batch
-- holding that row, so it sees what the batch stored.
ALTER TABLE messages DROP CONSTRAINT messages_session_id_fkey;
CREATE FUNCTION messages_of_deleted_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM messages WHERE session_id = OLD.id;
    RETURN NULL;
END $$;
CREATE TRIGGER sessions_delete_messages AFTER DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION messages_of_deleted_session();
