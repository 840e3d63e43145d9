-- Pushes already handled, so WeChat's retries of the same message or event are handled once, across restarts.
CREATE TABLE wechat_push_seen (
  key TEXT PRIMARY KEY,
  received_at INTEGER NOT NULL
);

-- Events from WeChat kept for the features that act on them later (binding after a scan, unfollow, device events).
CREATE TABLE wechat_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  openid TEXT NOT NULL,
  msg_type TEXT NOT NULL,
  event TEXT,
  event_key TEXT,
  payload TEXT NOT NULL,
  received_at INTEGER NOT NULL
);
CREATE INDEX wechat_events_openid ON wechat_events(openid);
