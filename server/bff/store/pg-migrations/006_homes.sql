-- Homes and rooms (issue 16), as SQLite's 010: Gizwits has no homes, so the vendor's server keeps them. A user owns homes, a home
-- has rooms in the user's order, each device a user sees has one placement (home, room; no room = 未分配).
-- Sharing a home: members, invitations (by QR code or by user), and every Gizwits sharing the home made for a member
-- (home_grants), so leaving takes back exactly what the home gave and nothing the member had before.
CREATE TABLE homes (
  id BIGSERIAL PRIMARY KEY,
  owner_openid TEXT NOT NULL,
  name TEXT NOT NULL,
  position INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX homes_owner ON homes(owner_openid, position);

CREATE TABLE rooms (
  id BIGSERIAL PRIMARY KEY,
  home_id BIGINT NOT NULL REFERENCES homes(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  position INTEGER NOT NULL
);
CREATE INDEX rooms_home ON rooms(home_id, position);

-- One row per (user, device): a deleted room leaves its devices in the home with no room (未分配).
CREATE TABLE device_placements (
  openid TEXT NOT NULL,
  did TEXT NOT NULL,
  home_id BIGINT NOT NULL REFERENCES homes(id) ON DELETE CASCADE,
  room_id BIGINT REFERENCES rooms(id) ON DELETE SET NULL,
  PRIMARY KEY (openid, did)
);
CREATE INDEX device_placements_home ON device_placements(home_id);

CREATE TABLE home_members (
  home_id BIGINT NOT NULL REFERENCES homes(id) ON DELETE CASCADE,
  openid TEXT NOT NULL,
  joined_at BIGINT NOT NULL,
  PRIMARY KEY (home_id, openid)
);
CREATE INDEX home_members_openid ON home_members(openid);

-- status: waiting | accepted | rejected | cancelled. A QR invitation has a code (stored hashed), a user invitation an invitee.
CREATE TABLE home_invitations (
  id BIGSERIAL PRIMARY KEY,
  home_id BIGINT NOT NULL REFERENCES homes(id) ON DELETE CASCADE,
  code_hash TEXT UNIQUE,
  invitee_openid TEXT,
  status TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX home_invitations_invitee ON home_invitations(invitee_openid, status);

-- status: active (the home shared it) | preexisting (the member had it already: never taken back by the home)
--       | withdrawn (taken away outside the home: not shared again until the device re-enters the home or the member re-joins).
CREATE TABLE home_grants (
  home_id BIGINT NOT NULL REFERENCES homes(id) ON DELETE CASCADE,
  member_openid TEXT NOT NULL,
  did TEXT NOT NULL,
  status TEXT NOT NULL,
  granted_at BIGINT NOT NULL,
  PRIMARY KEY (home_id, member_openid, did)
);
