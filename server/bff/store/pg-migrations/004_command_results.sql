-- The relay's command journal gains what SQLite migration 009 gives it: the path each command came by, what it
-- asked, whether its result must be told to the user as a notice, why it failed, and whether that was done.
ALTER TABLE relay_commands ADD COLUMN source TEXT NOT NULL DEFAULT 'page';
ALTER TABLE relay_commands ADD COLUMN attrs TEXT;
ALTER TABLE relay_commands ADD COLUMN tell_result INTEGER NOT NULL DEFAULT 0;
ALTER TABLE relay_commands ADD COLUMN reason TEXT;
ALTER TABLE relay_commands ADD COLUMN told INTEGER NOT NULL DEFAULT 0;
CREATE INDEX relay_commands_did_state ON relay_commands(did, state);
