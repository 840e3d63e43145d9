// WeChat users and the Gizwits credentials the BFF holds for them (never sent to the browser, sealed on disk).
import type Database from 'better-sqlite3'
import type { TokenSealer } from './token-sealer'

export interface GizwitsCredentials { uid: string; token: string; expireAt: number }

/** SQLite answers at once, PostgreSQL (store/postgres.ts) with a promise: callers await either. */
export type Awaitable<T> = T | Promise<T>

export interface UserRepository {
  ensure: (openid: string) => Awaitable<void>
  credentials: (openid: string) => Awaitable<GizwitsCredentials | null>
  saveCredentials: (openid: string, credentials: GizwitsCredentials) => Awaitable<void>
  /** The WeChat nickname the user gave us (snsapi_userinfo), or null. */
  nickname: (openid: string) => Awaitable<string | null>
  saveNickname: (openid: string, nickname: string) => Awaitable<void>
  /** Nicknames of our users by their Gizwits uid, for the uids that have one. */
  nicknamesByUid: (uids: readonly string[]) => Awaitable<Map<string, string>>
}

/** The embedded repository answers synchronously (the worker's tests and tools rely on it). */
export interface SqliteUserRepository extends UserRepository {
  ensure: (openid: string) => void
  credentials: (openid: string) => GizwitsCredentials | null
  saveCredentials: (openid: string, credentials: GizwitsCredentials) => void
  nickname: (openid: string) => string | null
  saveNickname: (openid: string, nickname: string) => void
  nicknamesByUid: (uids: readonly string[]) => Map<string, string>
}

/** What is kept of a nickname: no control characters, at most MAX_NICKNAME_LENGTH characters, null when empty. */
export function cleanNickname(nickname: string): string | null {
  // eslint-disable-next-line no-control-regex
  return [...nickname.replace(/[\u0000-\u001f\u007f]/g, '').trim()].slice(0, MAX_NICKNAME_LENGTH).join('') || null
}

/** WeChat allows long nicknames with emoji; what we show is cut to this many characters. */
export const MAX_NICKNAME_LENGTH = 32

/**
 * With a DATA_KEY other than the one that sealed the stored tokens, they are dropped here (and a warning returned):
 * each user's next request logs in to Gizwits again silently, which is also how the key is rotated.
 */
export function sqliteUserRepository(db: Database.Database, sealer: TokenSealer, warn: (message: string) => void = () => {}): SqliteUserRepository {
  const now = () => Math.floor(Date.now() / 1000)
  const stored = db.prepare("SELECT value FROM store_meta WHERE name = 'token_key_check'").get() as { value: string } | undefined
  if (stored?.value !== sealer.keyCheck) {
    db.transaction(() => {
      const dropped = db.prepare('UPDATE users SET gizwits_token_sealed = NULL, token_expire_at = NULL WHERE gizwits_token_sealed IS NOT NULL').run().changes
      db.prepare("INSERT INTO store_meta (name, value) VALUES ('token_key_check', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value").run(sealer.keyCheck)
      if (stored && dropped > 0) warn(`DATA_KEY changed: ${dropped} stored Gizwits token(s) sealed with the old key were dropped; users get new ones on their next request`)
    })()
  }
  return {
    ensure: (openid) => {
      db.prepare('INSERT INTO users (openid, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT(openid) DO NOTHING').run(openid, now(), now())
    },
    credentials: (openid) => {
      const row = db.prepare('SELECT gizwits_uid, gizwits_token_sealed, token_expire_at FROM users WHERE openid = ?').get(openid) as
        | { gizwits_uid: string | null; gizwits_token_sealed: string | null; token_expire_at: number | null }
        | undefined
      if (!row?.gizwits_uid || !row.gizwits_token_sealed || row.token_expire_at === null) return null
      const token = sealer.open(row.gizwits_token_sealed, openid)
      // Unreadable (another key, a row edited by hand): as if there were none, so the user logs in again.
      if (token === null) return null
      return { uid: row.gizwits_uid, token, expireAt: row.token_expire_at }
    },
    saveCredentials: (openid, credentials) => {
      db.prepare('INSERT INTO users (openid, gizwits_uid, gizwits_token_sealed, token_expire_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(openid) DO UPDATE SET gizwits_uid = excluded.gizwits_uid, gizwits_token_sealed = excluded.gizwits_token_sealed, token_expire_at = excluded.token_expire_at, updated_at = excluded.updated_at')
        .run(openid, credentials.uid, sealer.seal(credentials.token, openid), credentials.expireAt, now(), now())
    },
    nickname: (openid) => {
      const row = db.prepare('SELECT nickname FROM users WHERE openid = ?').get(openid) as { nickname: string | null } | undefined
      return row?.nickname ?? null
    },
    saveNickname: (openid, nickname) => {
      db.prepare('UPDATE users SET nickname = ?, updated_at = ? WHERE openid = ?').run(cleanNickname(nickname), now(), openid)
    },
    nicknamesByUid: (uids) => {
      const found = new Map<string, string>()
      const wanted = [...new Set(uids)].slice(0, 500)
      if (wanted.length === 0) return found
      const rows = db.prepare(`SELECT gizwits_uid, nickname FROM users WHERE nickname IS NOT NULL AND gizwits_uid IN (${wanted.map(() => '?').join(',')})`).all(...wanted) as Array<{ gizwits_uid: string; nickname: string }>
      for (const row of rows) found.set(row.gizwits_uid, row.nickname)
      return found
    },
  }
}
