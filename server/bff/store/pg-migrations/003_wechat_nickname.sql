-- A user's WeChat nickname, as SQLite's 008: given when they tapped something that asks for it (snsapi_userinfo),
-- shown to the owners who share devices with them instead of the cloud's masked user name.
ALTER TABLE users ADD COLUMN nickname TEXT;
CREATE INDEX users_gizwits_uid ON users(gizwits_uid);
