-- When experts take bookings: their time zone, weekly hours and exceptions (dates with other hours,
-- or none), as the contract's JSON (expert.Availability), checked when saved. One row per expert,
-- replaced whole by each save. Slots are computed from it when asked for, never stored.
CREATE TABLE expert_availability (
    expert_id  uuid        PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    time_zone  text        NOT NULL,
    hours      jsonb       NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
