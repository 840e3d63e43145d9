// Migration 007 on a database written by the first slice of issue 13 (006): the owner's rules and the notices
// already sent survive the two rebuilt tables, with the new settings at their defaults and each old notice's edge
// and alert read back from its key, so "已恢复" and the alerts list show the past correctly.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, expect, test } from 'vitest'
import { openDatabase } from '../../server/bff/store/database'
import { sqliteHistoryStore } from '../../server/bff/store/history-store'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

test('rules and notices of version 006 come through 007 intact', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'h5-mig7-'))
  dirs.push(dir)
  const file = join(dir, 'app.db')
  const old = new Database(file)
  old.function('h5_sha256', (value: unknown) => value)
  old.exec('CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)')
  for (const name of ['001_init.sql', '002_wechat_push.sql', '003_secrets_at_rest.sql', '004_wechat_push_replay.sql', '005_relay_commands.sql', '006_device_history_alerts.sql']) {
    old.exec(readFileSync(join(import.meta.dirname, '..', '..', 'server', 'bff', 'store', 'migrations', name), 'utf8'))
    old.prepare('INSERT INTO schema_migrations VALUES (?, 0)').run(name)
  }
  old.prepare("INSERT INTO alert_rules (did, attr, op, threshold, hysteresis, label, unit, created_by, created_at) VALUES ('d1', 'soil_humidity', 'below', 30, 5, '土壤湿度', '%', 'o1', 0)").run()
  const notice = old.prepare("INSERT INTO notices (notice_key, openid, did, device_name, title, detail, created_at, status, result) VALUES (?, 'o1', 'd1', '绿萝', ?, '', ?, 'sent', 'msgid 1')")
  notice.run('rule:1:fire:100:o1', '土壤湿度低于 30%', 100)
  notice.run('rule:1:clear:200:o1', '已恢复：土壤湿度', 200)
  notice.run('attr:d1:alert_dry:fire:300:o1', '缺水报警', 300)
  old.close()

  const db = openDatabase(file)
  const store = sqliteHistoryStore(db)
  expect(await store.rulesOf('d1')).toEqual([expect.objectContaining({ op: 'below', threshold: 30, hysteresis: 5, threshold_high: null, hold_s: 0, cooldown_s: 0, critical: false, value_kind: 'number' })])
  expect((await store.inbox('o1', 10)).map(({ edge, alert_key, read_at }) => ({ edge, alert_key, read_at }))).toEqual([
    { edge: 'fire', alert_key: 'attr:d1:alert_dry', read_at: null },
    { edge: 'clear', alert_key: 'rule:1', read_at: null },
    { edge: 'fire', alert_key: 'rule:1', read_at: null },
  ])
  expect(await store.unreadCount('o1')).toBe(3)
  db.close()
})
