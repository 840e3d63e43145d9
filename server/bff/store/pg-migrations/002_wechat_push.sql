-- WeChat pushes (as SQLite's 002 and 004): nonces already used, pushes already handled, events kept. Shared by
-- every BFF, so WeChat's retry of a push landing on another instance is answered as a retry, not handled twice.
CREATE TABLE wechat_push_nonces (
  timestamp BIGINT NOT NULL,
  nonce TEXT NOT NULL,
  message_sha256 TEXT NOT NULL,
  PRIMARY KEY (timestamp, nonce)
);

CREATE TABLE wechat_push_seen (
  key TEXT PRIMARY KEY,
  received_at BIGINT NOT NULL
);
CREATE INDEX wechat_push_seen_received_at ON wechat_push_seen(received_at);

CREATE TABLE wechat_events (
  id BIGSERIAL PRIMARY KEY,
  openid TEXT NOT NULL,
  msg_type TEXT NOT NULL,
  event TEXT,
  event_key TEXT,
  payload TEXT NOT NULL,
  received_at BIGINT NOT NULL
);
CREATE INDEX wechat_events_openid ON wechat_events(openid);
CREATE INDEX wechat_events_received_at ON wechat_events(received_at);
