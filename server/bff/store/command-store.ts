// Commands given over /ws and what became of them, per user and page-made id (migration 005). The row is written
// BEFORE each step happens (queued before validation, sent before the frame goes out), so after a crash a row
// never claims less than what may have happened: a `queued` row left by a dead process was never sent.
import type Database from 'better-sqlite3'
import type { CommandOutcome } from '@shared/ws-frames'

export type StoredCommandState = Exclude<CommandOutcome, 'unknown'>

export interface StoredCommand { id: string; did: string; state: StoredCommandState; createdAt: number }

/** How long a command's outcome can be asked about. */
export const COMMAND_TTL_MS = 24 * 3600 * 1000

type Awaitable<T> = T | Promise<T>

/** SQLite answers at once, PostgreSQL (store/postgres.ts) with a promise: the relay awaits either. */
export interface CommandStore {
  /** Records a new command as queued; returns the existing row instead when this user already used the id. */
  begin: (openid: string, id: string, did: string) => Awaitable<{ created: boolean; command: StoredCommand }>
  setState: (openid: string, id: string, state: StoredCommandState) => Awaitable<void>
  get: (openid: string, id: string) => Awaitable<StoredCommand | null>
  /**
   * Called at start: commands left queued before `before` were never sent and never will be. Only rows older than
   * a write's window: with several BFFs on one database, a younger queued row may be another instance's live write.
   */
  expireQueued: (before?: number) => Awaitable<number>
  /** Forgets commands older than the TTL. */
  purge: (now?: number) => Awaitable<number>
}

export interface SqliteCommandStore extends CommandStore {
  begin: (openid: string, id: string, did: string) => { created: boolean; command: StoredCommand }
  setState: (openid: string, id: string, state: StoredCommandState) => void
  get: (openid: string, id: string) => StoredCommand | null
  expireQueued: (before?: number) => number
  purge: (now?: number) => number
}

interface Row { id: string; did: string; state: StoredCommandState; created_at: number }
const toCommand = (row: Row): StoredCommand => ({ id: row.id, did: row.did, state: row.state, createdAt: row.created_at })

export function sqliteCommandStore(db: Database.Database): SqliteCommandStore {
  const insert = db.prepare("INSERT OR IGNORE INTO relay_commands (openid, id, did, state, created_at, updated_at) VALUES (?, ?, ?, 'queued', ?, ?)")
  const select = db.prepare('SELECT id, did, state, created_at FROM relay_commands WHERE openid = ? AND id = ?')
  const update = db.prepare('UPDATE relay_commands SET state = ?, updated_at = ? WHERE openid = ? AND id = ?')
  const get = (openid: string, id: string) => {
    const row = select.get(openid, id) as Row | undefined
    return row ? toCommand(row) : null
  }
  return {
    begin: (openid, id, did) => {
      const now = Date.now()
      const created = insert.run(openid, id, did, now, now).changes === 1
      return { created, command: get(openid, id)! }
    },
    setState: (openid, id, state) => void update.run(state, Date.now(), openid, id),
    get,
    expireQueued: (before = Date.now()) => db.prepare("UPDATE relay_commands SET state = 'expired', updated_at = ? WHERE state = 'queued' AND created_at <= ?").run(Date.now(), before).changes,
    purge: (now = Date.now()) => db.prepare('DELETE FROM relay_commands WHERE created_at < ?').run(now - COMMAND_TTL_MS).changes,
  }
}
