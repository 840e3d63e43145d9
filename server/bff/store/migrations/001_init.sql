-- Users: a WeChat OpenID and the Gizwits anonymous user it maps to (phone_id = openid).
CREATE TABLE users (
  openid TEXT PRIMARY KEY,
  gizwits_uid TEXT,
  gizwits_token TEXT,
  token_expire_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Browser sessions: the signed cookie carries the id.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  openid TEXT NOT NULL REFERENCES users(openid) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions(expires_at);
