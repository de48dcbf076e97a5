-- Reliability: penalties, ratings, suspensions, and the held-payment ledger.

ALTER TABLE accounts DROP CONSTRAINT accounts_role_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_role_check CHECK (role IN ('client', 'expert', 'admin'));
ALTER TABLE accounts ADD COLUMN suspended_until timestamptz;

-- Offers missed in a row: the third sets the expert offline.
ALTER TABLE expert_presence ADD COLUMN missed_in_a_row integer NOT NULL DEFAULT 0;

ALTER TABLE sessions
    ADD COLUMN price           bigint NOT NULL DEFAULT 0,
    ADD COLUMN meeting_checkin boolean NOT NULL DEFAULT false;

-- One penalty per person, session (or offer) and kind, whoever records it and however often.
CREATE TABLE penalties (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind          text        NOT NULL CHECK (kind IN ('offer_timeout', 'no_show', 'late', 'abandoned')),
    points        integer     NOT NULL CHECK (points >= 0),
    reason        text        NOT NULL,
    session_id    uuid        REFERENCES sessions (id) ON DELETE CASCADE,
    offer_id      uuid        REFERENCES offers (id) ON DELETE CASCADE,
    waived        boolean     NOT NULL DEFAULT false,
    waived_reason text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX penalties_once_per_session ON penalties (user_id, session_id, kind) WHERE session_id IS NOT NULL;
CREATE UNIQUE INDEX penalties_once_per_offer ON penalties (offer_id) WHERE offer_id IS NOT NULL;
CREATE INDEX penalties_recent ON penalties (user_id, created_at);

CREATE TABLE ratings (
    session_id uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    rater_id   uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    ratee_id   uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    stars      integer     NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment    text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, rater_id)
);
CREATE INDEX ratings_ratee ON ratings (ratee_id);

-- Double-entry ledger, append-only. Every transfer is two entries that sum to zero: a user's
-- wallet (user_id set), a session's escrow (account 'escrow'), or the outside world ('funding',
-- the stand-in for a payment provider). An entry's key makes each leg happen once.
CREATE TABLE ledger_entries (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    transfer_id uuid        NOT NULL,
    account     text        NOT NULL CHECK (account IN ('wallet', 'escrow', 'funding')),
    user_id     uuid        REFERENCES accounts (id) ON DELETE CASCADE,
    kind        text        NOT NULL CHECK (kind IN ('initial', 'hold', 'capture', 'release', 'no_show_fee', 'compensation')),
    amount      bigint      NOT NULL,
    session_id  uuid        REFERENCES sessions (id) ON DELETE CASCADE,
    entry_key   text        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((account = 'wallet') = (user_id IS NOT NULL))
);
CREATE INDEX ledger_wallet ON ledger_entries (user_id, created_at) WHERE account = 'wallet';
CREATE INDEX ledger_transfer ON ledger_entries (transfer_id);
CREATE INDEX ledger_session ON ledger_entries (session_id);
