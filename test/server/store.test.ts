// The store on real SQLite files: migrations, hashed sessions, sealed tokens, owner-only files, session purging.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { migrate, openDatabase, sha256Hex } from '../../server/bff/store/database'
import { sqliteOAuthStateStore } from '../../server/bff/store/oauth-state-store'
import { SESSION_PURGE_INTERVAL_MS, sqliteSessionStore, startSessionPurge } from '../../server/bff/store/session-store'
import { tokenSealer } from '../../server/bff/store/token-sealer'
import { sqliteUserRepository } from '../../server/bff/store/user-repository'

const KEY = 'k'.repeat(40)
const dirs: string[] = []
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'h5-store-'))
  dirs.push(dir)
  return join(dir, 'app.db')
}
afterEach(() => {
  vi.useRealTimers()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Every byte SQLite keeps for this database: the file, its write-ahead log and its shared-memory index. */
function rawBytes(file: string): Buffer {
  return Buffer.concat([file, `${file}-wal`, `${file}-shm`].map((path) => { try { return readFileSync(path) } catch { return Buffer.alloc(0) } }))
}

describe('store', () => {
  test('should apply each migration once and record it', () => {
    const file = tempFile()
    const first = openDatabase(file)
    const applied = first.prepare('SELECT name FROM schema_migrations ORDER BY name').all()
    expect(applied).toEqual([{ name: '001_init.sql' }, { name: '002_wechat_push.sql' }, { name: '003_secrets_at_rest.sql' }, { name: '004_wechat_push_replay.sql' }, { name: '005_relay_commands.sql' }, { name: '006_device_history_alerts.sql' }, { name: '007_alert_rules_complete.sql' }, { name: '008_wechat_nickname.sql' }, { name: '009_command_results_channels.sql' }, { name: '010_homes.sql' }])
    first.close()
    const again = openDatabase(file)
    expect(migrate(again)).toEqual([])
    again.close()
  })

  test('should keep sessions until destroyed, and Gizwits credentials per user', async () => {
    const db = openDatabase(tempFile())
    const users = sqliteUserRepository(db, tokenSealer(KEY))
    users.ensure('openid-1')
    expect(users.credentials('openid-1')).toBeNull()
    users.saveCredentials('openid-1', { uid: 'u', token: 't', expireAt: 123 })
    expect(users.credentials('openid-1')).toEqual({ uid: 'u', token: 't', expireAt: 123 })

    const sessions = sqliteSessionStore(db)
    const session = await sessions.create('openid-1')
    expect(session.id).toMatch(/^[0-9a-f]{64}$/)
    expect(await sessions.get(session.id)).toMatchObject({ id: session.id, openid: 'openid-1' })
    await sessions.destroy(session.id)
    expect(await sessions.get(session.id)).toBeNull()
    db.prepare('INSERT INTO sessions (id_hash, openid, created_at, expires_at) VALUES (?, ?, ?, ?)').run(sha256Hex('old'), 'openid-1', 0, 1)
    expect(await sessions.get('old')).toBeNull()
    db.close()
  })

  test('should keep no Gizwits token and no session id in plain text anywhere in the files, all owner-only', async () => {
    const file = tempFile()
    const db = openDatabase(file)
    const token = 'a7f3c9e1b2d44e8f9a0b1c2d3e4f5a6b'
    const users = sqliteUserRepository(db, tokenSealer(KEY))
    users.saveCredentials('openid-1', { uid: 'uid-1', token, expireAt: 2_000_000_000 })
    const session = await sqliteSessionStore(db).create('openid-1')
    expect(users.credentials('openid-1')?.token).toBe(token)

    const bytes = rawBytes(file)
    expect(bytes.includes(Buffer.from('uid-1'))).toBe(true) // the check can see rows at all
    expect(bytes.includes(Buffer.from(token))).toBe(false)
    expect(bytes.includes(Buffer.from(session.id))).toBe(false)
    expect(bytes.includes(Buffer.from(sha256Hex(session.id)))).toBe(true)
    const row = db.prepare('SELECT * FROM users').get() as Record<string, unknown>
    expect(JSON.stringify(row)).not.toContain(token)
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect((statSync(path).mode & 0o777).toString(8)).toBe('600')
    db.close()
  })

  test('should refuse a sealed token moved to another user, or read with another key', () => {
    const db = openDatabase(tempFile())
    const users = sqliteUserRepository(db, tokenSealer(KEY))
    users.saveCredentials('openid-1', { uid: 'u1', token: 'token-1', expireAt: 2_000_000_000 })
    users.saveCredentials('openid-2', { uid: 'u2', token: 'token-2', expireAt: 2_000_000_000 })
    db.prepare("UPDATE users SET gizwits_token_sealed = (SELECT gizwits_token_sealed FROM users WHERE openid = 'openid-1') WHERE openid = 'openid-2'").run()
    expect(users.credentials('openid-2')).toBeNull()
    const warnings: string[] = []
    const rekeyed = sqliteUserRepository(db, tokenSealer('z'.repeat(40)), (message) => warnings.push(message))
    expect(rekeyed.credentials('openid-1')).toBeNull()
    expect(warnings.join()).toContain('DATA_KEY changed')
    db.close()
  })

  test('should migrate a database of the previous version: tokens dropped, sessions hashed in place, files made 600', async () => {
    const file = tempFile()
    const old = new Database(file)
    old.pragma('journal_mode = WAL')
    old.exec('CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)')
    for (const name of ['001_init.sql', '002_wechat_push.sql']) {
      old.exec(readFileSync(join(import.meta.dirname, '..', '..', 'server', 'bff', 'store', 'migrations', name), 'utf8'))
      old.prepare('INSERT INTO schema_migrations VALUES (?, 0)').run(name)
    }
    const plainToken = 'plaintexttoken0123456789abcdef01'
    const sessionId = 'f'.repeat(64)
    old.prepare('INSERT INTO users VALUES (?, ?, ?, ?, 0, 0)').run('openid-1', 'uid-1', plainToken, 2_000_000_000)
    old.prepare('INSERT INTO sessions VALUES (?, ?, 0, ?)').run(sessionId, 'openid-1', 2_000_000_000)
    old.close()
    expect(rawBytes(file).includes(Buffer.from(plainToken))).toBe(true)
    // chmod 644 as an older version's files were
    ;(await import('node:fs')).chmodSync(file, 0o644)

    const db = openDatabase(file)
    expect(await sqliteSessionStore(db).get(sessionId)).toMatchObject({ openid: 'openid-1' })
    expect(sqliteUserRepository(db, tokenSealer(KEY)).credentials('openid-1')).toBeNull()
    expect(rawBytes(file).includes(Buffer.from(plainToken))).toBe(false)
    expect(rawBytes(file).includes(Buffer.from(sessionId))).toBe(false)
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600')
    db.close()
  })

  test('should accept an OAuth state once, and never an expired or unknown one', () => {
    const db = openDatabase(tempFile())
    const states = sqliteOAuthStateStore(db)
    states.issue('state-1', 600)
    expect(states.consume('state-1')).toBe(true)
    expect(states.consume('state-1')).toBe(false)
    expect(states.consume('never-issued')).toBe(false)
    states.issue('state-2', -1)
    expect(states.consume('state-2')).toBe(false)
    expect(rawBytes(db.name).includes(Buffer.from('state-1'))).toBe(false)
    db.close()
  })

  test('should purge expired sessions on a timer, until stopped', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const db = openDatabase(tempFile())
    const sessions = sqliteSessionStore(db)
    db.prepare('INSERT INTO users (openid, created_at, updated_at) VALUES (?, 0, 0)').run('openid-1')
    const live = await sessions.create('openid-1')
    const insertExpired = () => db.prepare('INSERT INTO sessions (id_hash, openid, created_at, expires_at) VALUES (?, ?, 0, 1)').run(sha256Hex(String(Math.random())), 'openid-1')
    insertExpired()
    const count = () => (db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n
    expect(count()).toBe(2)
    const stop = startSessionPurge(sessions, SESSION_PURGE_INTERVAL_MS, (error) => { throw error })
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(SESSION_PURGE_INTERVAL_MS)
    expect(count()).toBe(1)
    expect(await sessions.get(live.id)).not.toBeNull()
    stop()
    expect(vi.getTimerCount()).toBe(0)
    insertExpired()
    await vi.advanceTimersByTimeAsync(SESSION_PURGE_INTERVAL_MS)
    expect(count()).toBe(2)
    db.close()
  })
})
