// Browser sessions. Behind an interface so several BFF instances can later share them through Redis.
// Only the SHA-256 of a session id is stored: the signed cookie carries the id itself, so a copy of app.db (a
// backup, a stolen disk) holds nothing a browser could present.
import { randomBytes } from 'node:crypto'
import type Database from 'better-sqlite3'
import { sha256Hex } from './database'

export const SESSION_LIFETIME_S = 30 * 24 * 3600
/** Expired sessions are deleted at each login and on this timer, so the table never grows without bound. */
export const SESSION_PURGE_INTERVAL_MS = 3600 * 1000

export interface Session { id: string; openid: string; expiresAt: number }

export interface SessionStore {
  create: (openid: string) => Promise<Session>
  /** The live session with this id (its life rolled forward), or null. */
  get: (id: string) => Promise<Session | null>
  destroy: (id: string) => Promise<void>
  /** Deletes expired sessions; answers how many. */
  purgeExpired: () => Promise<number>
}

export function sqliteSessionStore(db: Database.Database): SessionStore {
  const now = () => Math.floor(Date.now() / 1000)
  const purgeExpired = async () => db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now()).changes
  return {
    create: async (openid) => {
      const session = { id: randomBytes(32).toString('hex'), openid, expiresAt: now() + SESSION_LIFETIME_S }
      db.prepare('INSERT INTO sessions (id_hash, openid, created_at, expires_at) VALUES (?, ?, ?, ?)').run(sha256Hex(session.id), openid, now(), session.expiresAt)
      await purgeExpired()
      return session
    },
    get: async (id) => {
      const hash = sha256Hex(id)
      const row = db.prepare('SELECT openid, expires_at FROM sessions WHERE id_hash = ?').get(hash) as { openid: string; expires_at: number } | undefined
      if (!row || row.expires_at <= now()) return null
      const expiresAt = now() + SESSION_LIFETIME_S
      // Roll the session forward at most once a day, not on every request.
      if (expiresAt - row.expires_at > 24 * 3600) db.prepare('UPDATE sessions SET expires_at = ? WHERE id_hash = ?').run(expiresAt, hash)
      return { id, openid: row.openid, expiresAt: Math.max(expiresAt, row.expires_at) }
    },
    destroy: async (id) => {
      db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(sha256Hex(id))
    },
    purgeExpired,
  }
}

/** Purges on a timer that never keeps the process alive; call the answer to stop it. */
export function startSessionPurge(sessions: SessionStore, everyMs: number, onError: (error: unknown) => void): () => void {
  const timer = setInterval(() => {
    sessions.purgeExpired().catch(onError)
  }, everyMs)
  timer.unref()
  return () => clearInterval(timer)
}
