// Commands to devices and what became of them, per user and caller-made id (migrations 005, 009): the single owner
// of a command's lifecycle. The row is written BEFORE each step happens (queued before validation, sent before the
// frame goes out), so after a crash a row never claims less than what may have happened: a `queued` row left by a
// dead process was never sent. Each row also says who sent it (openid) and by which path (`source`, one of
// COMMAND_SOURCE, given by the caller), what it asked (to match the device's report), and whether its result is
// to be told to the user as a notice (the vendor's worker does that: server/worker/command-results.ts).
import type Database from 'better-sqlite3'
import type { Attrs } from '@shared/open-api'
import { tellsResultFromStart, type CommandFailure, type CommandSource } from '@shared/commands'
import type { CommandOutcome } from '@shared/ws-frames'

export type StoredCommandState = Exclude<CommandOutcome, 'unknown'>

export interface StoredCommand { id: string; did: string; state: StoredCommandState; createdAt: number }

/**
 * What the caller says of a new command: the path it came by and the values it asks for. `tellResult`: whether its
 * result is told as a notice, by default as its path says (tellsResultFromStart); false when the page that asked
 * shows the result itself (a group control's outcomes, a scene's steps).
 */
export interface CommandOrigin { source: CommandSource; attrs: Attrs; tellResult?: boolean }

/** How long a command's outcome can be asked about. */
export const COMMAND_TTL_MS = 24 * 3600 * 1000

type Awaitable<T> = T | Promise<T>

/** SQLite answers at once, PostgreSQL (store/postgres.ts) with a promise: the relay awaits either. */
export interface CommandStore {
  /** Records a new command as queued; returns the existing row instead when this user already used the id. */
  begin: (openid: string, id: string, did: string, origin: CommandOrigin) => Awaitable<{ created: boolean; command: StoredCommand }>
  /** `reason` says why a command failed or expired (kept for the log and the notice). */
  setState: (openid: string, id: string, state: StoredCommandState, reason?: CommandFailure) => Awaitable<void>
  /**
   * The page that sent these commands closed while they were pending: their result is now told as a notice.
   * Only rows still queued or sent change; one already settled was seen on the page.
   */
  tellResults: (openid: string, ids: string[]) => Awaitable<void>
  get: (openid: string, id: string) => Awaitable<StoredCommand | null>
  /**
   * Called at start: commands left queued before `before` were never sent and never will be. Only rows older than
   * a write's window: with several BFFs on one database, a younger queued row may be another instance's live write.
   */
  expireQueued: (before?: number) => Awaitable<number>
  /** Forgets commands older than the TTL. */
  purge: (now?: number) => Awaitable<number>
}

/** A command whose result is due to its sender as a notice (see `resultsToTell`). */
export interface CommandToTell { openid: string; id: string; did: string; state: 'confirmed' | 'failed' | 'expired'; reason: CommandFailure | null; attrs: Attrs; source: CommandSource; updatedAt: number }

/** One command as a device's log shows it: who (openid, nickname when known), by which path, what, and the outcome. */
export interface LoggedCommand {
  openid: string; nickname: string | null; id: string; source: CommandSource; attrs: Attrs; state: StoredCommandState; reason: CommandFailure | null; createdAt: number
}

/** What the vendor's worker (server/worker/command-results.ts) and a device's log do with commands, on either engine. */
export interface CommandResults {
  /**
   * The device reported: commands to it sent since `sinceMs` whose asked values all show in the report are
   * confirmed. Returns how many changed.
   */
  confirmByReport: (did: string, values: Attrs, sinceMs: number) => Awaitable<number>
  /** Commands to be told that were sent before `beforeMs` and never confirmed: failed, the device never answered. */
  failUnanswered: (beforeMs: number) => Awaitable<number>
  /** The device went offline: its schedules' and rules' sent commands still waiting to be told fail now (`device_offline`). */
  failOffline: (did: string) => Awaitable<number>
  /** Settled commands whose result is to be told and was not yet. */
  resultsToTell: () => Awaitable<CommandToTell[]>
  markTold: (openid: string, id: string) => Awaitable<void>
  /** A device's commands from every user, newest first, before `beforeMs` when paging. */
  ofDevice: (did: string, limit: number, beforeMs?: number) => Awaitable<LoggedCommand[]>
}

/** Whether a report shows every value a command asked for. */
export function reportShows(asked: Attrs | null, values: Attrs): boolean {
  return !!asked && Object.entries(asked).every(([name, value]) => name in values && JSON.stringify(values[name]) === JSON.stringify(value))
}

export interface SqliteCommandStore extends CommandStore, CommandResults {
  confirmByReport: (did: string, values: Attrs, sinceMs: number) => number
  failUnanswered: (beforeMs: number) => number
  failOffline: (did: string) => number
  resultsToTell: () => CommandToTell[]
  markTold: (openid: string, id: string) => void
  ofDevice: (did: string, limit: number, beforeMs?: number) => LoggedCommand[]
  begin: (openid: string, id: string, did: string, origin: CommandOrigin) => { created: boolean; command: StoredCommand }
  setState: (openid: string, id: string, state: StoredCommandState, reason?: CommandFailure) => void
  tellResults: (openid: string, ids: string[]) => void
  get: (openid: string, id: string) => StoredCommand | null
  expireQueued: (before?: number) => number
  purge: (now?: number) => number
}

interface Row { id: string; did: string; state: StoredCommandState; created_at: number }
const toCommand = (row: Row): StoredCommand => ({ id: row.id, did: row.did, state: row.state, createdAt: row.created_at })

export function sqliteCommandStore(db: Database.Database): SqliteCommandStore {
  const insert = db.prepare("INSERT OR IGNORE INTO relay_commands (openid, id, did, state, created_at, updated_at, source, attrs, tell_result) VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?)")
  const select = db.prepare('SELECT id, did, state, created_at FROM relay_commands WHERE openid = ? AND id = ?')
  const update = db.prepare('UPDATE relay_commands SET state = ?, updated_at = ?, reason = COALESCE(?, reason) WHERE openid = ? AND id = ?')
  const tell = db.prepare("UPDATE relay_commands SET tell_result = 1 WHERE openid = ? AND id = ? AND state IN ('queued', 'sent')")
  const get = (openid: string, id: string) => {
    const row = select.get(openid, id) as Row | undefined
    return row ? toCommand(row) : null
  }
  return {
    begin: (openid, id, did, origin) => {
      const now = Date.now()
      const created = insert.run(openid, id, did, now, now, origin.source, JSON.stringify(origin.attrs), (origin.tellResult ?? tellsResultFromStart(origin.source)) ? 1 : 0).changes === 1
      return { created, command: get(openid, id)! }
    },
    setState: (openid, id, state, reason) => void update.run(state, Date.now(), reason ?? null, openid, id),
    tellResults: (openid, ids) => db.transaction(() => ids.forEach((id) => tell.run(openid, id)))(),
    get,
    confirmByReport: (did, values, sinceMs) => {
      const rows = db.prepare("SELECT openid, id, attrs FROM relay_commands WHERE did = ? AND state = 'sent' AND created_at >= ?").all(did, sinceMs) as Array<{ openid: string; id: string; attrs: string | null }>
      let changed = 0
      for (const row of rows) {
        const asked = row.attrs ? (JSON.parse(row.attrs) as Attrs) : null
        if (!reportShows(asked, values)) continue
        changed += update.run('confirmed', Date.now(), null, row.openid, row.id).changes
      }
      return changed
    },
    failUnanswered: (beforeMs) =>
      db.prepare("UPDATE relay_commands SET state = 'failed', reason = 'no_report', updated_at = ? WHERE tell_result = 1 AND told = 0 AND state = 'sent' AND updated_at < ?").run(Date.now(), beforeMs).changes,
    failOffline: (did) =>
      db.prepare("UPDATE relay_commands SET state = 'failed', reason = 'device_offline', updated_at = ? WHERE did = ? AND source IN ('schedule', 'rule') AND tell_result = 1 AND told = 0 AND state = 'sent'").run(Date.now(), did).changes,
    resultsToTell: () => (db.prepare(`SELECT openid, id, did, state, reason, attrs, source, updated_at FROM relay_commands
                                        WHERE tell_result = 1 AND told = 0 AND state IN ('confirmed', 'failed', 'expired') ORDER BY updated_at`).all() as Array<{
      openid: string; id: string; did: string; state: CommandToTell['state']; reason: CommandFailure | null; attrs: string | null; source: CommandSource; updated_at: number
    }>).map((row) => ({ openid: row.openid, id: row.id, did: row.did, state: row.state, reason: row.reason, attrs: row.attrs ? (JSON.parse(row.attrs) as Attrs) : {}, source: row.source, updatedAt: row.updated_at })),
    markTold: (openid, id) => void db.prepare('UPDATE relay_commands SET told = 1 WHERE openid = ? AND id = ?').run(openid, id),
    ofDevice: (did, limit, beforeMs) => (db.prepare(`SELECT c.openid, u.nickname, c.id, c.source, c.attrs, c.state, c.reason, c.created_at FROM relay_commands c LEFT JOIN users u ON u.openid = c.openid
                                                       WHERE c.did = ? AND c.created_at < ? ORDER BY c.created_at DESC LIMIT ?`).all(did, beforeMs ?? Number.MAX_SAFE_INTEGER, limit) as Array<{
      openid: string; nickname: string | null; id: string; source: CommandSource; attrs: string | null; state: StoredCommandState; reason: CommandFailure | null; created_at: number
    }>).map((row) => ({ openid: row.openid, nickname: row.nickname, id: row.id, source: row.source, attrs: row.attrs ? (JSON.parse(row.attrs) as Attrs) : {}, state: row.state, reason: row.reason, createdAt: row.created_at })),
    expireQueued: (before = Date.now()) => db.prepare("UPDATE relay_commands SET state = 'expired', updated_at = ? WHERE state = 'queued' AND created_at <= ?").run(Date.now(), before).changes,
    purge: (now = Date.now()) => db.prepare('DELETE FROM relay_commands WHERE created_at < ?').run(now - COMMAND_TTL_MS).changes,
  }
}
