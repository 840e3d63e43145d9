-- Signed (timestamp, nonce) pairs of pushes already accepted, with the digest of the message they signed. In plain
-- mode WeChat's signature covers only token, timestamp and nonce, so without this a leaked triple would sign any
-- body for as long as its timestamp is in the window. Kept across restarts; rows older than the window are swept.
CREATE TABLE wechat_push_nonces (
  timestamp INTEGER NOT NULL,
  nonce TEXT NOT NULL,
  message_sha256 TEXT NOT NULL,
  PRIMARY KEY (timestamp, nonce)
) WITHOUT ROWID;

-- Both push tables are swept by age (a day of dedup keys, 30 days of events): the sweep reads them by time.
CREATE INDEX wechat_push_seen_received_at ON wechat_push_seen(received_at);
CREATE INDEX wechat_events_received_at ON wechat_events(received_at);
