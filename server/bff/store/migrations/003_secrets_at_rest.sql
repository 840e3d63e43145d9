-- Secrets at rest. Session ids are kept only as SHA-256 hashes (the cookie keeps the raw id), existing sessions
-- are hashed in place so nobody is logged out. Gizwits tokens are kept sealed (AES-256-GCM, key from DATA_KEY);
-- the plain ones are dropped rather than sealed here: a token is only a cache of the anonymous login the BFF
-- repeats silently (same phone_id = openid, same Gizwits uid), and dropping needs no key inside a migration.
-- database.ts rebuilds the file after a migration, so no plain copy survives in free pages or the WAL.
UPDATE sessions SET id = h5_sha256(id);
ALTER TABLE sessions RENAME COLUMN id TO id_hash;

UPDATE users SET gizwits_token = NULL, token_expire_at = NULL;
ALTER TABLE users DROP COLUMN gizwits_token;
ALTER TABLE users ADD COLUMN gizwits_token_sealed TEXT;

-- OAuth states issued by /auth/wechat/login (hashed), each usable once until it expires.
CREATE TABLE oauth_states (
  state_hash TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
CREATE INDEX oauth_states_expires_at ON oauth_states(expires_at);

-- Which DATA_KEY sealed the tokens (an HMAC of a fixed text, not the key): a changed key drops them at start.
CREATE TABLE store_meta (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
