-- Issue 26: reminders before a booking's start, in the app, as a webhook event and by e-mail.

-- Where a person's reminders go by e-mail (PUT /api/v1/me/email); null: none by e-mail.
ALTER TABLE accounts ADD COLUMN email text CHECK (email IS NULL OR (length(email) BETWEEN 3 AND 254 AND position('@' IN email) > 1));

-- One row per reminder a node took on: a booking and how long before its start (bookings.reminderMinutes).
-- A node claims a due reminder until claimed_until (INSERT, or taking over an expired claim of a node
-- that died), sends it, then sets sent_at, only while the claim is still its own: each reminder is
-- recorded sent once, whichever nodes sweep, and a dead node's claim is taken over when it expires.
CREATE TABLE booking_reminders (
    booking_id    uuid        NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    lead_minutes  integer     NOT NULL CHECK (lead_minutes > 0),
    claimed_by    text        NOT NULL,
    claimed_until timestamptz NOT NULL,
    attempts      integer     NOT NULL DEFAULT 1,
    sent_at       timestamptz,
    -- E-mails the server accepted for it (0, 1 or 2: client and expert, when they gave an address and mail is on).
    emails        integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (booking_id, lead_minutes)
);

CREATE FUNCTION webhook_on_booking_reminder() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.sent_at IS NOT NULL AND OLD.sent_at IS NULL THEN
        PERFORM webhook_record('booking.reminder', NEW.booking_id, (
            SELECT jsonb_build_object('bookingId', b.id, 'clientId', b.client_id, 'expertId', b.expert_id, 'topic', b.topic,
                       'mode', b.mode, 'startAt', b.start_at, 'endAt', b.end_at, 'leadMinutes', NEW.lead_minutes)
              FROM bookings b WHERE b.id = NEW.booking_id));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER webhook_booking_reminders AFTER UPDATE OF sent_at ON booking_reminders
    FOR EACH ROW EXECUTE FUNCTION webhook_on_booking_reminder();
