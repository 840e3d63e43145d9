-- Alerts that nobody ignores (issue 13): rules of every kind the owner can set (above, below, outside a range,
-- equal to — the last also for switches and alarms as 0/1), a hold time before a rule fires, a cooldown between
-- the notices of one rule and a "critical" flag that passes quiet hours; per user, the "接收提醒" switch of each
-- device and quiet hours in their own time zone; notices that wait for WeChat's daily quota (45009) and go out as
-- one digest, and that each user can mark read in the app. SQLite cannot change a CHECK, so two tables are rebuilt.
CREATE TABLE alert_rules_v7 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  did TEXT NOT NULL,
  attr TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('above', 'below', 'outside', 'equal')),
  -- above/below: the limit; outside: the low end of the range; equal: the value
  threshold REAL NOT NULL,
  -- outside: the high end of the range
  threshold_high REAL,
  hysteresis REAL NOT NULL DEFAULT 0,
  -- the value must stay over the limit this long before the rule fires
  hold_s INTEGER NOT NULL DEFAULT 0,
  -- a rule that fired less than this long ago fires silently (and its recovery too)
  cooldown_s INTEGER NOT NULL DEFAULT 0,
  -- critical rules reach WeChat during a user's quiet hours too
  critical INTEGER NOT NULL DEFAULT 0,
  -- 'bool' for a switch or alarm datapoint (equal to 0/1, told as 开/关), else 'number'
  value_kind TEXT NOT NULL DEFAULT 'number' CHECK (value_kind IN ('number', 'bool')),
  label TEXT NOT NULL,
  unit TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (did, attr, op)
);
INSERT INTO alert_rules_v7 (id, did, attr, op, threshold, hysteresis, label, unit, created_by, created_at)
  SELECT id, did, attr, op, threshold, hysteresis, label, unit, created_by, created_at FROM alert_rules;
DROP TABLE alert_rules;
ALTER TABLE alert_rules_v7 RENAME TO alert_rules;

-- Hold: over the limit since (the state is still 'ok' until the hold has passed), with the last value seen.
ALTER TABLE alert_state ADD COLUMN pending_since REAL;
ALTER TABLE alert_state ADD COLUMN last_value REAL;
-- Cooldown: when this alert last sent a firing notice; whether the current firing was inside the cooldown.
ALTER TABLE alert_state ADD COLUMN notified_at REAL;
ALTER TABLE alert_state ADD COLUMN silenced INTEGER NOT NULL DEFAULT 0;
CREATE INDEX alert_state_pending ON alert_state(pending_since) WHERE pending_since IS NOT NULL;

-- "接收提醒" per user and device: a row with receive = 0 means this user is told nothing about this device.
CREATE TABLE alert_prefs (
  openid TEXT NOT NULL,
  did TEXT NOT NULL,
  receive INTEGER NOT NULL,
  PRIMARY KEY (openid, did)
);

-- Quiet hours per user, minutes after local midnight in their IANA time zone; start > end wraps past midnight.
CREATE TABLE quiet_hours (
  openid TEXT PRIMARY KEY,
  start_min INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
  end_min INTEGER NOT NULL CHECK (end_min BETWEEN 0 AND 1439),
  time_zone TEXT NOT NULL
);

-- Notices gain: 'queued' (WeChat's daily quota is spent: sent later in one digest) and 'digested' (went out in
-- one); which edge they tell (fire/clear), for "已恢复" in the app; when the user read them in the app.
CREATE TABLE notices_v7 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  notice_key TEXT NOT NULL UNIQUE,
  openid TEXT NOT NULL,
  did TEXT NOT NULL,
  device_name TEXT NOT NULL,
  title TEXT NOT NULL,
  detail TEXT NOT NULL,
  created_at REAL NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'in_app_only', 'failed', 'queued', 'digested')),
  result TEXT,
  edge TEXT NOT NULL DEFAULT 'fire' CHECK (edge IN ('fire', 'clear')),
  alert_key TEXT NOT NULL DEFAULT '',
  read_at REAL
);
INSERT INTO notices_v7 (id, notice_key, openid, did, device_name, title, detail, created_at, status, result, edge, alert_key)
  SELECT id, notice_key, openid, did, device_name, title, detail, created_at, status, result,
         CASE WHEN title LIKE '已恢复%' THEN 'clear' ELSE 'fire' END, substr(notice_key, 1, instr(notice_key, ':fire:') + instr(notice_key, ':clear:') - 1)
  FROM notices;
DROP TABLE notices;
ALTER TABLE notices_v7 RENAME TO notices;
CREATE INDEX notices_status ON notices(status);
CREATE INDEX notices_openid_did ON notices(openid, did, created_at);
CREATE INDEX notices_openid_id ON notices(openid, id);
