// Gizwits users and their tokens, as rows: the SQL behind `Accounts` (accounts.ts).
import type Database from 'better-sqlite3'
import { USER_PROFILE_COLUMNS, type UserRow } from './database'

/** A user column a profile change may set. */
export type UserColumn = (typeof USER_PROFILE_COLUMNS)[number] | 'lang'

export class UserStore {
  constructor(private readonly db: Database.Database) {}

  uidForPhoneId(phoneId: string): string | undefined {
    return (this.db.prepare('SELECT uid FROM users WHERE phone_id = ?').get(phoneId) as { uid: string } | undefined)?.uid
  }

  insertAnonymous(uid: string, phoneId: string, createdAt: number): void {
    this.db.prepare('INSERT INTO users (uid, phone_id, created_at) VALUES (?, ?, ?)').run(uid, phoneId, createdAt)
  }

  insertPasswordUser(uid: string, fields: { username?: string; email?: string; passwordHash: string; lang: string }, createdAt: number): void {
    this.db
      .prepare('INSERT INTO users (uid, phone_id, lang, created_at, username, email, password_hash) VALUES (?, NULL, ?, ?, ?, ?, ?)')
      .run(uid, fields.lang, createdAt, fields.username ?? null, fields.email ?? null, fields.passwordHash)
  }

  byUid(uid: string): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE uid = ?').get(uid) as UserRow | undefined
  }

  /** Found by username, email or phone. */
  byLogin(login: string): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE username = ? OR email = ? OR phone = ?').get(login, login, login) as UserRow | undefined
  }

  uidWith(field: 'username' | 'email', value: string): string | undefined {
    return (this.db.prepare(`SELECT uid FROM users WHERE ${field === 'email' ? 'email' : 'username'} = ?`).get(value) as { uid: string } | undefined)?.uid
  }

  update(uid: string, changes: Array<[column: UserColumn | 'updated_at', value: unknown]>): void {
    const columns = changes.map(([name]) => name)
    if (!columns.every((name) => (USER_PROFILE_COLUMNS as readonly string[]).includes(name) || name === 'lang')) throw new Error('unknown user column')
    this.db.prepare(`UPDATE users SET ${columns.map((name) => `${name} = ?`).join(', ')} WHERE uid = ?`).run(...changes.map(([, value]) => value), uid)
  }

  insertToken(token: string, uid: string, expireAt: number): void {
    this.db.prepare('INSERT INTO tokens (token, uid, expire_at) VALUES (?, ?, ?)').run(token, uid, expireAt)
  }

  token(token: string): { uid: string; expire_at: number } | undefined {
    return this.db.prepare('SELECT uid, expire_at FROM tokens WHERE token = ?').get(token) as { uid: string; expire_at: number } | undefined
  }
}
