// Browser sessions. Behind an interface so several BFF instances can later share them through Redis.
import { randomBytes } from 'node:crypto'
import type Database from 'better-sqlite3'

export const SESSION_LIFETIME_S = 30 * 24 * 3600

export interface Session { id: string; openid: string; expiresAt: number }

export interface SessionStore {
  create: (openid: string) => Promise<Session>
  /** The live session with this id (its life rolled forward), or null. */
  get: (id: string) => Promise<Session | null>
  destroy: (id: string) => Promise<void>
}

export function sqliteSessionStore(db: Database.Database): SessionStore {
  const now = () => Math.floor(Date.now() / 1000)
  return {
    create: async (openid) => {
      const session = { id: randomBytes(32).toString('hex'), openid, expiresAt: now() + SESSION_LIFETIME_S }
      db.prepare('INSERT INTO sessions (id, openid, created_at, expires_at) VALUES (?, ?, ?, ?)').run(session.id, openid, now(), session.expiresAt)
      db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now())
      return session
    },
    get: async (id) => {
      const row = db.prepare('SELECT id, openid, expires_at FROM sessions WHERE id = ?').get(id) as { id: string; openid: string; expires_at: number } | undefined
      if (!row || row.expires_at <= now()) return null
      const expiresAt = now() + SESSION_LIFETIME_S
      // Roll the session forward at most once a day, not on every request.
      if (expiresAt - row.expires_at > 24 * 3600) db.prepare('UPDATE sessions SET expires_at = ? WHERE id = ?').run(expiresAt, id)
      return { id: row.id, openid: row.openid, expiresAt: Math.max(expiresAt, row.expires_at) }
    },
    destroy: async (id) => {
      db.prepare('DELETE FROM sessions WHERE id = ?').run(id)
    },
  }
}
