-- Commands given over /ws, by the id the page made up: a retry with the same id is never sent twice, and a page
-- that reconnects (or reloads) after the BFF died can learn what became of its command. Rows expire after a day.
CREATE TABLE relay_commands (
  openid TEXT NOT NULL,
  id TEXT NOT NULL,
  did TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'confirmed', 'expired', 'failed')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (openid, id)
);
CREATE INDEX relay_commands_created_at ON relay_commands(created_at);
