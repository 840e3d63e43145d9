-- PostgreSQL (DATABASE_URL): the durable state several BFFs share — users and their sealed Gizwits tokens,
-- hashed sessions, the relay's command journal — in the shape the SQLite migrations 001–005 leave them.
CREATE TABLE users (
  openid TEXT PRIMARY KEY,
  gizwits_uid TEXT,
  gizwits_token_sealed TEXT,
  token_expire_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  openid TEXT NOT NULL REFERENCES users(openid) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions(expires_at);

CREATE TABLE store_meta (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE relay_commands (
  openid TEXT NOT NULL,
  id TEXT NOT NULL,
  did TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'confirmed', 'expired', 'failed')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (openid, id)
);
CREATE INDEX relay_commands_created_at ON relay_commands(created_at);
