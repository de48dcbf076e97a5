-- Issue 14: chat stored one statement per batch.

-- A message's sender is checked against the session's participants by the statement that stores
-- it, and an account's messages go with its sessions (sessions cascade from accounts, messages
-- from sessions). The foreign key from messages to accounts guarded nothing more and cost a
-- trigger per stored message.
ALTER TABLE messages DROP CONSTRAINT messages_sender_id_fkey;
