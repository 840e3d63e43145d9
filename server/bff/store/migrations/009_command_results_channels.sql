-- Issue 13, the rest: who sent each command and through which path, and its result told to the user when nobody
-- was watching; notices on more WeChat channels than template messages.
--
-- relay_commands: the path the command came by (page, group, scene, schedule, rule, chat — src/shared/commands.ts),
-- what it asked the device (to match the device's report against), whether its result must be told to the user as
-- a notice (set when the page that sent it closed while it was pending, or from the start for paths without a page),
-- why it failed, and whether that notice was written.
ALTER TABLE relay_commands ADD COLUMN source TEXT NOT NULL DEFAULT 'page';
ALTER TABLE relay_commands ADD COLUMN attrs TEXT;
ALTER TABLE relay_commands ADD COLUMN tell_result INTEGER NOT NULL DEFAULT 0;
ALTER TABLE relay_commands ADD COLUMN reason TEXT;
ALTER TABLE relay_commands ADD COLUMN told INTEGER NOT NULL DEFAULT 0;
CREATE INDEX relay_commands_did_state ON relay_commands(did, state);
CREATE INDEX relay_commands_tell ON relay_commands(tell_result, told) WHERE tell_result = 1 AND told = 0;

-- notices: what they tell (an alert edge or a command's result) and the WeChat channel they went by (template,
-- subscribe, custom) or 'app' when they stayed in the app; NULL while not tried yet. Notices sent before this
-- migration all went as template messages.
ALTER TABLE notices ADD COLUMN kind TEXT NOT NULL DEFAULT 'alert' CHECK (kind IN ('alert', 'command'));
ALTER TABLE notices ADD COLUMN channel TEXT CHECK (channel IN ('template', 'subscribe', 'custom', 'app'));
UPDATE notices SET channel = CASE WHEN status IN ('sent', 'digested') THEN 'template' WHEN status = 'in_app_only' THEN 'app' ELSE NULL END;
