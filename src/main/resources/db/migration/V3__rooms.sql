-- Live rooms: who joined when, and the chat transcript.

ALTER TABLE sessions
    ADD COLUMN last_seq               integer     NOT NULL DEFAULT 0,
    ADD COLUMN client_joined_at       timestamptz,
    ADD COLUMN expert_joined_at       timestamptz,
    ADD COLUMN client_disconnected_at timestamptz,
    ADD COLUMN expert_disconnected_at timestamptz,
    ADD COLUMN client_left_at         timestamptz,
    ADD COLUMN expert_left_at         timestamptz,
    ADD COLUMN ended_by               uuid;

-- A participant whose connection dropped and who is not back within the grace abandons the session;
-- every node's sweeper looks for them here.
CREATE INDEX sessions_disconnected ON sessions (status)
    WHERE status IN ('waiting', 'active') AND (client_disconnected_at IS NOT NULL OR expert_disconnected_at IS NOT NULL);

-- seq is allocated from sessions.last_seq in the same statement that inserts the message, so it
-- counts 1, 2, 3 with no gaps; the same clientMsgId from the same sender is stored once.
CREATE TABLE messages (
    session_id    uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq           integer     NOT NULL,
    sender_id     uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    text          text        NOT NULL,
    client_msg_id text        NOT NULL,
    sent_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, seq),
    UNIQUE (session_id, sender_id, client_msg_id)
);
