// Gizwits users and their tokens: anonymous users (by phone_id, what the product uses), password users, profiles.
import { randomBytes } from 'node:crypto'
import type { SandboxClock } from './clock'
import type { UserRow } from './store/database'
import type { UserColumn, UserStore } from './store/users'

const TOKEN_LIFETIME_S = 7 * 24 * 3600

const hex32 = () => randomBytes(16).toString('hex')

/** `updatedAt` as `PUT /app/users` answers it: UTC, microseconds, no zone (seed 003 修改用户信息). */
const microsecondTime = (ms: number) => new Date(ms).toISOString().replace('Z', '').replace(/\.(\d{3})$/, (_match, millis: string) => `.${millis}000`)

export class Accounts {
  constructor(private readonly store: UserStore, private readonly clock: SandboxClock) {}

  userForPhoneId(phoneId: string): { uid: string } {
    const existing = this.store.uidForPhoneId(phoneId)
    if (existing) return { uid: existing }
    const uid = hex32()
    this.store.insertAnonymous(uid, phoneId, this.clock.nowS())
    return { uid }
  }

  issueToken(uid: string): { uid: string; token: string; expire_at: number } {
    const token = hex32()
    const expireAt = this.clock.nowS() + TOKEN_LIFETIME_S
    this.store.insertToken(token, uid, expireAt)
    return { uid, token, expire_at: expireAt }
  }

  /** The uid a token belongs to, or why not. */
  checkToken(token: string | undefined): { uid: string } | 'invalid' | 'expired' {
    if (!token) return 'invalid'
    const row = this.store.token(token)
    if (!row) return 'invalid'
    if (row.expire_at <= this.clock.nowS()) return 'expired'
    return { uid: row.uid }
  }

  profile(uid: string): UserRow | undefined {
    return this.store.byUid(uid)
  }

  /** A password user, found by username, email or phone (what `POST /app/login` accepts as `username`). */
  byLogin(login: string): UserRow | undefined {
    return this.store.byLogin(login)
  }

  loginTaken(field: 'username' | 'email', value: string, exceptUid?: string): boolean {
    const uid = this.store.uidWith(field, value)
    return uid !== undefined && uid !== exceptUid
  }

  createPasswordUser(fields: { username?: string; email?: string; passwordHash: string; lang: string }): { uid: string } {
    const uid = hex32()
    this.store.insertPasswordUser(uid, fields, this.clock.nowS())
    return { uid }
  }

  update(uid: string, fields: Partial<Omit<UserRow, 'uid' | 'phone_id'>>): UserRow {
    const changes = (Object.entries(fields) as Array<[UserColumn, unknown]>).filter(([, value]) => value !== undefined)
    this.store.update(uid, [...changes, ['updated_at', microsecondTime(this.clock.nowMs())]])
    return this.store.byUid(uid)!
  }
}
