// OAuth states issued by /auth/wechat/login, remembered server-side so each one is accepted once: a copied state
// cookie cannot be replayed with a fresh code while it lives. Stored hashed, like every other secret here.
import type Database from 'better-sqlite3'
import { sha256Hex } from './database'

/** SQLite answers at once; Redis (cluster/redis-state.ts) with a promise: callers await either. */
export interface OAuthStateStore {
  issue: (state: string, lifetimeS: number) => void | Promise<void>
  /** True the first time a live issued state is presented; false for unknown, used or expired ones. */
  consume: (state: string) => boolean | Promise<boolean>
}

export function sqliteOAuthStateStore(db: Database.Database): OAuthStateStore {
  const now = () => Math.floor(Date.now() / 1000)
  return {
    issue: (state, lifetimeS) => {
      db.prepare('DELETE FROM oauth_states WHERE expires_at <= ?').run(now())
      db.prepare('INSERT INTO oauth_states (state_hash, expires_at) VALUES (?, ?)').run(sha256Hex(state), now() + lifetimeS)
    },
    consume: (state) => db.prepare('DELETE FROM oauth_states WHERE state_hash = ? AND expires_at > ?').run(sha256Hex(state), now()).changes === 1,
  }
}
