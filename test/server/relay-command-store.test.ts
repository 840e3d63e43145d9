// The relay's command records (migration 005) on a real SQLite file: one row per user and id, a crash's queued rows
// become expired at the next start, and rows older than a day are forgotten.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { openDatabase } from '../../server/bff/store/database'
import { COMMAND_TTL_MS, sqliteCommandStore } from '../../server/bff/store/command-store'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function database() {
  const dir = mkdtempSync(join(tmpdir(), 'h5-commands-'))
  dirs.push(dir)
  return join(dir, 'app.db')
}

describe('command store', () => {
  test('should keep one row per user and id, whoever asks again', () => {
    const db = openDatabase(database())
    const store = sqliteCommandStore(db)
    expect(store.begin('alice', 'command-0001', 'did-1', { source: 'page', attrs: {} })).toMatchObject({ created: true, command: { id: 'command-0001', state: 'queued' } })
    store.setState('alice', 'command-0001', 'sent')
    expect(store.begin('alice', 'command-0001', 'did-1', { source: 'page', attrs: {} })).toMatchObject({ created: false, command: { state: 'sent' } })
    // Ids are per user: the same id from someone else is another command, and learns nothing of Alice's.
    expect(store.begin('bob', 'command-0001', 'did-2', { source: 'page', attrs: {} })).toMatchObject({ created: true, command: { did: 'did-2', state: 'queued' } })
    expect(store.get('bob', 'command-0002')).toBeNull()
    db.close()
  })

  test('should call what a dead process left queued expired, and leave sent ones as they are', () => {
    const file = database()
    const before = sqliteCommandStore(openDatabase(file))
    before.begin('alice', 'command-queued', 'did-1', { source: 'page', attrs: {} })
    before.begin('alice', 'command-sent', 'did-1', { source: 'page', attrs: {} })
    before.setState('alice', 'command-sent', 'sent')
    const after = sqliteCommandStore(openDatabase(file))
    expect(after.expireQueued()).toBe(1)
    expect(after.get('alice', 'command-queued')?.state).toBe('expired')
    expect(after.get('alice', 'command-sent')?.state).toBe('sent')
  })

  test('should forget commands older than a day', () => {
    const db = openDatabase(database())
    const store = sqliteCommandStore(db)
    store.begin('alice', 'command-0001', 'did-1', { source: 'page', attrs: {} })
    expect(store.purge(Date.now() + COMMAND_TTL_MS - 60_000)).toBe(0)
    expect(store.purge(Date.now() + COMMAND_TTL_MS + 60_000)).toBe(1)
    expect(store.get('alice', 'command-0001')).toBeNull()
    db.close()
  })
})
