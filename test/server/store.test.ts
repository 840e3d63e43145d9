import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { migrate, openDatabase } from '../../server/store/database'
import { sqliteSessionStore } from '../../server/store/session-store'
import { sqliteUserRepository } from '../../server/store/user-repository'

const dirs: string[] = []
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'h5-store-'))
  dirs.push(dir)
  return join(dir, 'app.db')
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('store', () => {
  test('should apply each migration once and record it', () => {
    const file = tempFile()
    const first = openDatabase(file)
    const applied = first.prepare('SELECT name FROM schema_migrations ORDER BY name').all()
    expect(applied).toEqual([{ name: '001_init.sql' }, { name: '002_wechat_push.sql' }, { name: '004_wechat_push_replay.sql' }])
    first.close()
    const again = openDatabase(file)
    expect(migrate(again)).toEqual([])
    again.close()
  })

  test('should keep sessions until destroyed, and Gizwits credentials per user', async () => {
    const db = openDatabase(tempFile())
    const users = sqliteUserRepository(db)
    users.ensure('openid-1')
    expect(users.credentials('openid-1')).toBeNull()
    users.saveCredentials('openid-1', { uid: 'u', token: 't', expireAt: 123 })
    expect(users.credentials('openid-1')).toEqual({ uid: 'u', token: 't', expireAt: 123 })

    const sessions = sqliteSessionStore(db)
    const session = await sessions.create('openid-1')
    expect(session.id).toMatch(/^[0-9a-f]{64}$/)
    expect(await sessions.get(session.id)).toMatchObject({ openid: 'openid-1' })
    await sessions.destroy(session.id)
    expect(await sessions.get(session.id)).toBeNull()
    db.prepare('INSERT INTO sessions (id, openid, created_at, expires_at) VALUES (?, ?, ?, ?)').run('old', 'openid-1', 0, 1)
    expect(await sessions.get('old')).toBeNull()
    db.close()
  })
})
