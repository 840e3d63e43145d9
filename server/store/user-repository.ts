// WeChat users and the Gizwits credentials the BFF holds for them (never sent to the browser).
import type Database from 'better-sqlite3'

export interface GizwitsCredentials { uid: string; token: string; expireAt: number }

export interface UserRepository {
  ensure: (openid: string) => void
  credentials: (openid: string) => GizwitsCredentials | null
  saveCredentials: (openid: string, credentials: GizwitsCredentials) => void
}

export function sqliteUserRepository(db: Database.Database): UserRepository {
  const now = () => Math.floor(Date.now() / 1000)
  return {
    ensure: (openid) => {
      db.prepare('INSERT INTO users (openid, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT(openid) DO NOTHING').run(openid, now(), now())
    },
    credentials: (openid) => {
      const row = db.prepare('SELECT gizwits_uid, gizwits_token, token_expire_at FROM users WHERE openid = ?').get(openid) as
        | { gizwits_uid: string | null; gizwits_token: string | null; token_expire_at: number | null }
        | undefined
      if (!row?.gizwits_uid || !row.gizwits_token || row.token_expire_at === null) return null
      return { uid: row.gizwits_uid, token: row.gizwits_token, expireAt: row.token_expire_at }
    },
    saveCredentials: (openid, credentials) => {
      db.prepare('INSERT INTO users (openid, gizwits_uid, gizwits_token, token_expire_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(openid) DO UPDATE SET gizwits_uid = excluded.gizwits_uid, gizwits_token = excluded.gizwits_token, token_expire_at = excluded.token_expire_at, updated_at = excluded.updated_at')
        .run(openid, credentials.uid, credentials.token, credentials.expireAt, now(), now())
    },
  }
}
