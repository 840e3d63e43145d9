-- The vendor's worker on PostgreSQL (as SQLite's 006 and 007, in their final shape), so several workers on one
-- SNoti subscription key share one ledger of the events they handled, one alert state per rule and one outbox of
-- notices, and the BFFs read history and notices from the same place. device_events is the delivery ledger: an
-- event is recognised by its content (SNoti's delivery ids belong to one connection), and its key is claimed in
-- the same transaction as everything the event causes, so two workers handed the same event store it once.
CREATE TABLE device_events (
  event_key TEXT PRIMARY KEY,
  did TEXT NOT NULL,
  event_type TEXT NOT NULL,
  created_at DOUBLE PRECISION NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX device_events_did_at ON device_events(did, created_at);

CREATE TABLE datapoint_history (
  did TEXT NOT NULL,
  attr TEXT NOT NULL,
  at DOUBLE PRECISION NOT NULL,
  value DOUBLE PRECISION NOT NULL
);
CREATE INDEX datapoint_history_did_attr_at ON datapoint_history(did, attr, at);

CREATE TABLE alert_rules (
  id SERIAL PRIMARY KEY,
  did TEXT NOT NULL,
  attr TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('above', 'below', 'outside', 'equal')),
  threshold DOUBLE PRECISION NOT NULL,
  threshold_high DOUBLE PRECISION,
  hysteresis DOUBLE PRECISION NOT NULL DEFAULT 0,
  hold_s INTEGER NOT NULL DEFAULT 0,
  cooldown_s INTEGER NOT NULL DEFAULT 0,
  critical BOOLEAN NOT NULL DEFAULT FALSE,
  value_kind TEXT NOT NULL DEFAULT 'number' CHECK (value_kind IN ('number', 'bool')),
  label TEXT NOT NULL,
  unit TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (did, attr, op)
);

CREATE TABLE alert_state (
  alert_key TEXT PRIMARY KEY,
  did TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('firing', 'ok')),
  since DOUBLE PRECISION NOT NULL,
  pending_since DOUBLE PRECISION,
  last_value DOUBLE PRECISION,
  notified_at DOUBLE PRECISION,
  silenced BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX alert_state_pending ON alert_state(pending_since) WHERE pending_since IS NOT NULL;

CREATE TABLE device_audience (
  did TEXT NOT NULL,
  uid TEXT NOT NULL,
  dev_alias TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (did, uid)
);
CREATE INDEX device_audience_uid ON device_audience(uid);
CREATE TABLE audience_reads (
  uid TEXT PRIMARY KEY,
  read_at BIGINT NOT NULL
);

CREATE TABLE alert_prefs (
  openid TEXT NOT NULL,
  did TEXT NOT NULL,
  receive BOOLEAN NOT NULL,
  PRIMARY KEY (openid, did)
);

CREATE TABLE quiet_hours (
  openid TEXT PRIMARY KEY,
  start_min INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
  end_min INTEGER NOT NULL CHECK (end_min BETWEEN 0 AND 1439),
  time_zone TEXT NOT NULL
);

-- claimed_until: a worker sending a notice (or a digest) holds it this long, so two workers never send the same
-- one; a worker killed mid-send lets its claim run out and another sends it (WeChat's client_msg_id drops a double).
CREATE TABLE notices (
  id BIGSERIAL PRIMARY KEY,
  notice_key TEXT NOT NULL UNIQUE,
  openid TEXT NOT NULL,
  did TEXT NOT NULL,
  device_name TEXT NOT NULL,
  title TEXT NOT NULL,
  detail TEXT NOT NULL,
  created_at DOUBLE PRECISION NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'in_app_only', 'failed', 'queued', 'digested')),
  result TEXT,
  edge TEXT NOT NULL DEFAULT 'fire' CHECK (edge IN ('fire', 'clear')),
  alert_key TEXT NOT NULL DEFAULT '',
  read_at DOUBLE PRECISION,
  claimed_until DOUBLE PRECISION,
  -- What it tells (an alert edge or a command's result) and the WeChat channel it went by ('app': stayed in the app).
  kind TEXT NOT NULL DEFAULT 'alert' CHECK (kind IN ('alert', 'command')),
  channel TEXT CHECK (channel IN ('template', 'subscribe', 'custom', 'app'))
);
CREATE INDEX notices_status ON notices(status);
CREATE INDEX notices_openid_did ON notices(openid, did, created_at);
CREATE INDEX notices_openid_id ON notices(openid, id);
