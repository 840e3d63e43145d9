-- What the vendor's worker (server/worker/) keeps of every device event it receives from SNoti, which the cloud
-- does not keep for us: the events themselves (deduplicated by content, since SNoti redelivers after a reconnect
-- and its delivery ids are per connection), numeric datapoint history for charts, alert rules set by owners with
-- the state of each, who is bound to each device (for notices), and every notice with its delivery result.
CREATE TABLE device_events (
  event_key TEXT PRIMARY KEY,
  did TEXT NOT NULL,
  event_type TEXT NOT NULL,
  created_at REAL NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX device_events_did_at ON device_events(did, created_at);

CREATE TABLE datapoint_history (
  did TEXT NOT NULL,
  attr TEXT NOT NULL,
  at REAL NOT NULL,
  value REAL NOT NULL
);
CREATE INDEX datapoint_history_did_attr_at ON datapoint_history(did, attr, at);

CREATE TABLE alert_rules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  did TEXT NOT NULL,
  attr TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('above', 'below')),
  threshold REAL NOT NULL,
  -- it clears only once the value is back beyond the limit by this much
  hysteresis REAL NOT NULL DEFAULT 0,
  -- the datapoint's display name and unit when the rule was set, for notices (the worker has no definitions)
  label TEXT NOT NULL,
  unit TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (did, attr, op)
);

-- 'firing' or 'ok' per alert: a rule (key 'rule:<id>') or a device's own alarm/fault datapoint ('attr:<did>:<name>').
CREATE TABLE alert_state (
  alert_key TEXT PRIMARY KEY,
  did TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('firing', 'ok')),
  since REAL NOT NULL
);

-- Who is bound to each device, by Gizwits uid, from SNoti bind/unbind events and the bindings read per user.
CREATE TABLE device_audience (
  did TEXT NOT NULL,
  uid TEXT NOT NULL,
  dev_alias TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (did, uid)
);
CREATE TABLE audience_reads (
  uid TEXT PRIMARY KEY,
  read_at INTEGER NOT NULL
);

-- Notices: written in the same transaction as the alert edge that causes them ('pending'), sent afterwards, so a
-- worker killed in between sends them at its next start instead of losing or doubling them.
CREATE TABLE notices (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  notice_key TEXT NOT NULL UNIQUE,
  openid TEXT NOT NULL,
  did TEXT NOT NULL,
  device_name TEXT NOT NULL,
  title TEXT NOT NULL,
  detail TEXT NOT NULL,
  created_at REAL NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'in_app_only', 'failed')),
  result TEXT
);
CREATE INDEX notices_status ON notices(status);
CREATE INDEX notices_openid_did ON notices(openid, did, created_at);
